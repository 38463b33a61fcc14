#include "cicu_normalize.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/utypes.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uversion.h>

/* Normalizer2 instances are singletons owned by ICU and safe to share between threads. */
static const UNormalizer2 *get_norm(int32_t form, UErrorCode *err) {
    switch (form) {
    case CICU_NFC: return unorm2_getNFCInstance(err);
    case CICU_NFD: return unorm2_getNFDInstance(err);
    case CICU_NFKC: return unorm2_getNFKCInstance(err);
    case CICU_NFKD: return unorm2_getNFKDInstance(err);
    case CICU_NFKC_CF: return unorm2_getNFKCCasefoldInstance(err);
    default: *err = U_ILLEGAL_ARGUMENT_ERROR; return NULL;
    }
}

static int32_t result(int32_t n, UErrorCode err) {
    if (err == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(err)) return n;
    return -(int32_t)err;
}

int32_t cicu_norm_init(int32_t form) {
    UErrorCode err = U_ZERO_ERROR;
    get_norm(form, &err);
    return U_SUCCESS(err) ? 0 : -(int32_t)err;
}

int32_t cicu_normalize(int32_t form, const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = get_norm(form, &err);
    if (U_FAILURE(err)) return -(int32_t)err;
    int32_t out = unorm2_normalize(n, (const UChar *)src, len, (UChar *)dst, cap, &err);
    return result(out, err);
}

int32_t cicu_norm_span_yes(int32_t form, const uint16_t *src, int32_t len) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = get_norm(form, &err);
    if (U_FAILURE(err)) return 0;
    int32_t span = unorm2_spanQuickCheckYes(n, (const UChar *)src, len, &err);
    return U_SUCCESS(err) ? span : 0;
}

int32_t cicu_norm_boundary_before(int32_t form, uint32_t c) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = get_norm(form, &err);
    if (U_FAILURE(err)) return 0;
    return unorm2_hasBoundaryBefore(n, (UChar32)c) ? 1 : 0;
}

int32_t cicu_norm_boundary_after(int32_t form, uint32_t c) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = get_norm(form, &err);
    if (U_FAILURE(err)) return 0;
    return unorm2_hasBoundaryAfter(n, (UChar32)c) ? 1 : 0;
}

int32_t cicu_to_lower(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, const char *locale) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = u_strToLower((UChar *)dst, cap, (const UChar *)src, len, locale ? locale : "", &err);
    return result(n, err);
}

int32_t cicu_to_upper(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, const char *locale) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = u_strToUpper((UChar *)dst, cap, (const UChar *)src, len, locale ? locale : "", &err);
    return result(n, err);
}

int32_t cicu_fold_case(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap, int32_t turkic) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = u_strFoldCase((UChar *)dst, cap, (const UChar *)src, len,
                              turkic ? U_FOLD_CASE_EXCLUDE_SPECIAL_I : U_FOLD_CASE_DEFAULT, &err);
    return result(n, err);
}

struct cicu_translit { UTransliterator *t; };

cicu_translit *cicu_translit_open(const uint16_t *id, int32_t idlen, int32_t *error) {
    UErrorCode err = U_ZERO_ERROR;
    UParseError perr;
    UTransliterator *t = utrans_openU((const UChar *)id, idlen, UTRANS_FORWARD, NULL, 0, &perr, &err);
    if (U_FAILURE(err) || t == NULL) { if (error) *error = -(int32_t)err; return NULL; }
    cicu_translit *h = (cicu_translit *)malloc(sizeof(cicu_translit));
    if (!h) { utrans_close(t); if (error) *error = -(int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    h->t = t;
    if (error) *error = 0;
    return h;
}

void cicu_translit_close(cicu_translit *h) {
    if (!h) return;
    utrans_close(h->t);
    free(h);
}

int32_t cicu_translit_apply(cicu_translit *h, uint16_t *buf, int32_t *len, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t limit = *len;
    utrans_transUChars(h->t, (UChar *)buf, len, cap, 0, &limit, &err);
    if (U_FAILURE(err)) return -(int32_t)err;
    return 0;
}

int32_t cicu_char_type(uint32_t c) { return (int32_t)u_charType((UChar32)c); }

int32_t cicu_script(uint32_t c) {
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript((UChar32)c, &err);
    return U_SUCCESS(err) ? (int32_t)s : -1;
}

int32_t cicu_script_short_name(int32_t script, char *buf, int32_t cap) {
    const char *name = uscript_getShortName((UScriptCode)script);
    if (!name) return -1;
    int32_t n = (int32_t)strlen(name);
    if (n + 1 > cap) return -1;
    memcpy(buf, name, (size_t)n + 1);
    return n;
}

int32_t cicu_has_binary_property(uint32_t c, int32_t property) {
    return u_hasBinaryProperty((UChar32)c, (UProperty)property) ? 1 : 0;
}
int32_t cicu_prop_white_space(void) { return UCHAR_WHITE_SPACE; }
int32_t cicu_prop_extended_pictographic(void) { return UCHAR_EXTENDED_PICTOGRAPHIC; }
int32_t cicu_prop_default_ignorable(void) { return UCHAR_DEFAULT_IGNORABLE_CODE_POINT; }

const char *cicu_error_name(int32_t negated_error) { return u_errorName((UErrorCode)(-negated_error)); }

void cicu_versions(char *icu, char *unicode, int32_t cap) {
    UVersionInfo v;
    char tmp[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, tmp);
    strncpy(icu, tmp, (size_t)cap); icu[cap - 1] = 0;
    u_getUnicodeVersion(v);
    u_versionToString(v, tmp);
    strncpy(unicode, tmp, (size_t)cap); unicode[cap - 1] = 0;
}
