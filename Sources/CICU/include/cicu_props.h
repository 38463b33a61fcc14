#ifndef CICU_PROPS_H
#define CICU_PROPS_H
/* Character classes for the tokenizer's hand-written pre-tokenizer scanners (tiktoken/HF regex classes). */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of a pre-tokenizer character class. */
enum {
    CICU_TOK_L = 1,        /* \p{L} */
    CICU_TOK_N = 2,        /* \p{N} */
    CICU_TOK_WS = 4,       /* \s: the Unicode White_Space property (Rust regex and Oniguruma semantics) */
    CICU_TOK_M = 8,        /* \p{M} */
    CICU_TOK_UPPER = 16,   /* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k) */
    CICU_TOK_LOWER = 32,   /* [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k) */
};

/* The class bits of one code point. */
uint8_t cicu_tok_class(uint32_t c);
/* Fills out[i] = cicu_tok_class(start + i) for i < count. */
void cicu_tok_class_fill(uint32_t start, uint32_t count, uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif
