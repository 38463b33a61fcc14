#ifndef CICU_REGEX_H
#define CICU_REGEX_H
/* ICU regular expressions (uregex) over UTF-16, for HF `Replace` normalizers and generic pre-tokenizer patterns.
 * A compiled pattern is not thread-safe while matching: clone it per thread (cheap, shares the pattern). */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cicu_regex cicu_regex;

/* flags: ICU URegexpFlag bits (0 for none; 2 = case insensitive). On failure returns NULL and sets *error (negated
 * ICU error) and *error_offset (UTF-16 offset in the pattern, or -1). */
cicu_regex *cicu_regex_open(const uint16_t *pattern, int32_t len, uint32_t flags, int32_t *error, int32_t *error_offset);
cicu_regex *cicu_regex_clone(const cicu_regex *re, int32_t *error);
void cicu_regex_close(cicu_regex *re);
/* Limits applied to every match on a text set by cicu_regex_set_text (see there). */
#define CICU_REGEX_BASE_STEPS 2000
#define CICU_REGEX_STACK_LIMIT (8 * 1024 * 1024)

/* The text is not copied: it must outlive the matching. Also sets the match time and stack limits for this text. */
int32_t cicu_regex_set_text(cicu_regex *re, const uint16_t *text, int32_t len);
/* 1 when rc (a negated ICU error from cicu_regex_find_next) is the time or stack limit being exceeded. */
int32_t cicu_regex_limit_exceeded(int32_t rc);
/* Finds the next match after the previous one: 1 and [*start, *end) in UTF-16 units, 0 when none, < 0 on error. */
int32_t cicu_regex_find_next(cicu_regex *re, int32_t *start, int32_t *end);

#ifdef __cplusplus
}
#endif
#endif
