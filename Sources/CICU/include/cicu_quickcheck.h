#ifndef CICU_QUICKCHECK_H
#define CICU_QUICKCHECK_H
/* Per-code-point quick-check table of one normalization form, built from ICU's own Normalizer2 data
 * (unorm2_quickCheck on the single code point, unorm2_hasBoundaryBefore, unorm2_getCombiningClass).
 * It lets the normalizer scan UTF-8 bytes directly and copy through text that normalization cannot change,
 * handing only the pieces around a "no"/"maybe" character to ICU (AIGCText, NormalizationStep+Form.swift).
 *
 * Two levels: stage 1 has one pointer per block of 256 code points (0x1100 blocks); a block (256 one-byte entries)
 * is filled on first use, under a lock, and published with a release store, so any number of threads may read the
 * table while another fills a block. Blocks live until the process ends. */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Entry values. "Boundary before": unorm2_hasBoundaryBefore (nothing before the code point interacts with it or
 * with anything after it). "Yes": unorm2_quickCheck of the code point alone is UNORM_YES. */
enum {
    CICU_QC_STARTER = 0x00,        /* boundary before, yes, combining class 0 */
    /* 0x01 ... 0xF0: no boundary before, yes, the value is the (non-zero) canonical combining class */
    CICU_QC_MAYBE_CC = 0xF9,       /* "maybe" (may compose with a preceding starter), non-zero combining class */
    CICU_QC_MAYBE_CC0 = 0xFA,      /* "maybe" (may compose with the preceding starter), combining class 0 */
    CICU_QC_FOLLOWER_CC0 = 0xFC,   /* no boundary before, yes, combining class 0 */
    CICU_QC_DIRTY_STARTER = 0xFD,  /* boundary before, not yes: its piece must go through ICU */
    CICU_QC_DIRTY = 0xFE           /* no boundary before, not yes (or unknown): its piece must go through ICU */
};

/* The stage-1 array of a form (CICU_NFC … CICU_NFKC_CF); entries are NULL until their block is filled. */
const uint8_t *const *cicu_qc_stage1(int32_t form);
/* Fills block `block` (code points block*256 ..< block*256+256) if needed and returns it. Never NULL: when ICU's
 * data cannot be loaded or memory is short, a block of CICU_QC_DIRTY (everything goes to ICU, which reports). */
const uint8_t *cicu_qc_fill(int32_t form, uint32_t block);
/* The form's summary of the Basic Multilingual Plane in groups of 16 code points: entry c >> 4 (c < 0x10000) is 1
 * when every code point of the group is CICU_QC_STARTER, else 0 (also while the group's block is not built yet: then
 * the caller takes cicu_qc_get, which builds it). One byte load from a 4 KiB array that stays in the L1 cache, where
 * cicu_qc_get needs two dependent loads from tables of tens of KiB for CJK or Hangul text (NULL for a bad form). */
const uint8_t *cicu_qc_starters16(int32_t form);
/* Fills every block of a form (used to measure the build cost); returns the number of blocks built. */
int32_t cicu_qc_fill_all(int32_t form);

/* unorm2_composePair: the primary composite of a and b, or -1 (also for Hangul syllables and jamo). */
int32_t cicu_compose_pair(int32_t form, uint32_t a, uint32_t b);
/* unorm2_getCombiningClass of the form's instance. */
int32_t cicu_combining_class(int32_t form, uint32_t c);

/* The entry of code point c (< 0x110000). */
static inline uint8_t cicu_qc_get(const uint8_t *const *stage1, int32_t form, uint32_t c) {
    const uint8_t *b = __atomic_load_n(&stage1[c >> 8], __ATOMIC_ACQUIRE);
    if (__builtin_expect(b == 0, 0)) b = cicu_qc_fill(form, c >> 8);
    return b[c & 0xFF];
}

#ifdef __cplusplus
}
#endif
#endif
