#include "cicu_props.h"
#include <unicode/uchar.h>

uint8_t cicu_tok_class(uint32_t c) {
    uint8_t r = 0;
    int8_t t = u_charType((UChar32)c);
    switch (t) {
    case U_UPPERCASE_LETTER: case U_TITLECASE_LETTER: r = CICU_TOK_L | CICU_TOK_UPPER; break;
    case U_LOWERCASE_LETTER: r = CICU_TOK_L | CICU_TOK_LOWER; break;
    case U_MODIFIER_LETTER: case U_OTHER_LETTER: r = CICU_TOK_L | CICU_TOK_UPPER | CICU_TOK_LOWER; break;
    case U_NON_SPACING_MARK: case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
        r = CICU_TOK_M | CICU_TOK_UPPER | CICU_TOK_LOWER; break;
    case U_DECIMAL_DIGIT_NUMBER: case U_LETTER_NUMBER: case U_OTHER_NUMBER: r = CICU_TOK_N; break;
    default: break;
    }
    if (u_hasBinaryProperty((UChar32)c, UCHAR_WHITE_SPACE)) r |= CICU_TOK_WS;
    return r;
}

void cicu_tok_class_fill(uint32_t start, uint32_t count, uint8_t *out) {
    for (uint32_t i = 0; i < count; i++) out[i] = cicu_tok_class(start + i);
}
