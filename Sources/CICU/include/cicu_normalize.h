#ifndef CICU_NORMALIZE_H
#define CICU_NORMALIZE_H
/* ICU normalization, case mapping, transliteration and character properties for Swift.
 * Public types are <stdint.h> only: Swift must never see <unicode/*.h> (ICU renames its symbols with a version
 * suffix, and Foundation links its own ICU). Strings are UTF-16 (ICU's native form).
 * Return convention: >= 0 is the output length in UTF-16 units (may exceed `cap`: call again with a larger buffer),
 * < 0 is a negated ICU UErrorCode. */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Forms: 0 NFC, 1 NFD, 2 NFKC, 3 NFKD, 4 NFKC_Casefold. */
enum { CICU_NFC = 0, CICU_NFD = 1, CICU_NFKC = 2, CICU_NFKD = 3, CICU_NFKC_CF = 4 };

/* 0 when the form's data loaded, else a negated ICU error code. */
int32_t cicu_norm_init(int32_t form);
/* Normalize src[0..len) into dst[0..cap). */
int32_t cicu_normalize(int32_t form, const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap);
/* The same on well-formed UTF-8, in bytes (ICU's C++ Normalizer2::normalizeUTF8, cicu_normalize_utf8.cpp): no
 * conversion to UTF-16 and back. */
int32_t cicu_normalize_utf8(int32_t form, const uint8_t *src, int32_t len, uint8_t *dst, int32_t cap);
/* Length of the prefix of src that is certainly already normalized (unorm2_spanQuickCheckYes). */
int32_t cicu_norm_span_yes(int32_t form, const uint16_t *src, int32_t len);
/* 1 when the code point starts a normalization segment (nothing before it can combine with it or reorder). */
int32_t cicu_norm_boundary_before(int32_t form, uint32_t c);
/* 1 when nothing after the code point can interact with it. */
int32_t cicu_norm_boundary_after(int32_t form, uint32_t c);

/* Full case mapping. locale may be NULL or "" for the root locale. */
int32_t cicu_to_lower(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, const char *locale);
int32_t cicu_to_upper(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, const char *locale);
/* Full case folding; turkic != 0 selects the Turkic dotted/dotless i mappings. */
int32_t cicu_fold_case(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, int32_t turkic);

/* Transliteration. Opens a transliterator by ID (e.g. "Traditional-Simplified", "Any-Latin; Latin-ASCII").
 * A transliterator is not thread-safe: one handle per thread. */
typedef struct cicu_translit cicu_translit;
cicu_translit *cicu_translit_open(const uint16_t *id, int32_t idlen, int32_t *error);
void cicu_translit_close(cicu_translit *t);
/* Transliterates buf[0..*len) in place; *len is updated. Returns 0 or a negated error (buffer too small: call again
 * with a larger buffer and the original text). */
int32_t cicu_translit_apply(cicu_translit *t, uint16_t *buf, int32_t *len, int32_t cap);

/* Character properties. General category as ICU's UCharCategory value (u_charType). */
int32_t cicu_char_type(uint32_t c);
/* ICU script code (UScriptCode) of a code point. */
int32_t cicu_script(uint32_t c);
/* Short script name (e.g. "Latn"), NUL-terminated, into buf; returns length or a negated error. */
int32_t cicu_script_short_name(int32_t script, char *buf, int32_t cap);
/* Binary property by ICU UProperty number. */
int32_t cicu_has_binary_property(uint32_t c, int32_t property);
/* Constants for the properties this project uses. */
int32_t cicu_prop_white_space(void);
int32_t cicu_prop_extended_pictographic(void);
int32_t cicu_prop_default_ignorable(void);
/* Error name for a negated error code. */
const char *cicu_error_name(int32_t negated_error);
/* ICU and Unicode versions, e.g. "72.1", "15.0". */
void cicu_versions(char *icu, char *unicode, int32_t cap);

#ifdef __cplusplus
}
#endif
#endif
