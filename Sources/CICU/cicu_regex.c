#include "cicu_regex.h"
#include <stdlib.h>
#include <unicode/utypes.h>
#include <unicode/uregex.h>

struct cicu_regex { URegularExpression *re; };

static cicu_regex *wrap(URegularExpression *re, int32_t *error) {
    cicu_regex *h = (cicu_regex *)malloc(sizeof(cicu_regex));
    if (!h) { uregex_close(re); if (error) *error = -(int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    h->re = re;
    return h;
}

cicu_regex *cicu_regex_open(const uint16_t *pattern, int32_t len, uint32_t flags, int32_t *error, int32_t *error_offset) {
    UErrorCode err = U_ZERO_ERROR;
    UParseError perr;
    perr.offset = -1;
    URegularExpression *re = uregex_open((const UChar *)pattern, len, flags, &perr, &err);
    if (U_FAILURE(err) || !re) {
        if (error) *error = -(int32_t)err;
        if (error_offset) *error_offset = perr.offset;
        return NULL;
    }
    if (error) *error = 0;
    return wrap(re, error);
}

cicu_regex *cicu_regex_clone(const cicu_regex *h, int32_t *error) {
    UErrorCode err = U_ZERO_ERROR;
    URegularExpression *re = uregex_clone(h->re, &err);
    if (U_FAILURE(err) || !re) { if (error) *error = -(int32_t)err; return NULL; }
    if (error) *error = 0;
    return wrap(re, error);
}

void cicu_regex_close(cicu_regex *h) {
    if (!h) return;
    uregex_close(h->re);
    free(h);
}

int32_t cicu_regex_set_text(cicu_regex *h, const uint16_t *text, int32_t len) {
    UErrorCode err = U_ZERO_ERROR;
    uregex_setText(h->re, (const UChar *)text, len, &err);
    if (U_FAILURE(err)) return -(int32_t)err;
    /* Every user-supplied pattern runs under limits, so catastrophic backtracking ((a*)*b on "aaa…c") fails with
     * U_REGEX_TIME_OUT or U_REGEX_STACK_OVERFLOW instead of running without end. The time limit is in ICU's
     * steps of ~10,000 match operations: a fixed budget plus 1,000 operations per UTF-16 unit of text, far above
     * what a linear pattern needs and bounded for any pattern. The backtracking stack is capped at 8 MB. */
    int64_t limit = CICU_REGEX_BASE_STEPS + (int64_t)len / 10;
    if (limit > INT32_MAX) limit = INT32_MAX;
    uregex_setTimeLimit(h->re, (int32_t)limit, &err);
    uregex_setStackLimit(h->re, CICU_REGEX_STACK_LIMIT, &err);
    return U_SUCCESS(err) ? 0 : -(int32_t)err;
}

int32_t cicu_regex_limit_exceeded(int32_t rc) {
    return rc == -(int32_t)U_REGEX_TIME_OUT || rc == -(int32_t)U_REGEX_STACK_OVERFLOW;
}

int32_t cicu_regex_find_next(cicu_regex *h, int32_t *start, int32_t *end) {
    UErrorCode err = U_ZERO_ERROR;
    UBool found = uregex_findNext(h->re, &err);
    if (U_FAILURE(err)) return -(int32_t)err;
    if (!found) return 0;
    *start = uregex_start(h->re, 0, &err);
    *end = uregex_end(h->re, 0, &err);
    if (U_FAILURE(err)) return -(int32_t)err;
    return 1;
}
