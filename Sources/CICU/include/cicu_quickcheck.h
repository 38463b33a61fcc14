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
/* The flat arrays below cover the first two planes: the BMP and the Supplementary Multilingual Plane, where emoji
 * live (emoji text went through the two-level table: two dependent loads per code point). */
#define CICU_QC_FLAT_LIMIT 0x20000
/* The form's first two planes as one flat array: byte c (c < CICU_QC_FLAT_LIMIT) is the entry of c plus one once c's
 * block is built, 0 before (cicu_qc_entry then builds it through cicu_qc_get). Written once per byte, with its final
 * value, before the block is published; readers load bytes relaxed. NULL for a bad form. */
const uint8_t *cicu_qc_bmp(int32_t form);
/* The same code points in groups of 16: byte c >> 4 is 1 when the group's block is built and all 16 code points
 * are CICU_QC_STARTER, else 0. 8 KiB, so it stays in the L1 cache where the flat array (128 KiB) does not: CJK and
 * Hangul text touches ~30 KiB of the flat array, and CJK, Hangul, Cyrillic, Arabic and Hebrew letters come in such
 * groups. NULL for a bad form. */
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

/* The entry of code point c (< 0x110000): below CICU_QC_FLAT_LIMIT one load from the 16-group summary (letters of
 * most scripts), else one from the flat array (built blocks), else the two-level table. Why: cicu_qc_get is two
 * dependent loads (the block pointer, then the entry); in the profile of CJK text those two loads were a third of
 * the normalizer's scan. Measured on 24 MB files, one thread: the summary alone was faster on CJK and Cyrillic, the
 * flat array alone on Arabic/Hebrew and emoji (mixed groups). */
static inline uint8_t cicu_qc_entry(const uint8_t *starters16, const uint8_t *bmp, const uint8_t *const *stage1,
                                    int32_t form, uint32_t c) {
    if (c < CICU_QC_FLAT_LIMIT) {
        if (__atomic_load_n(&starters16[c >> 4], __ATOMIC_RELAXED)) return CICU_QC_STARTER;
        uint8_t v = __atomic_load_n(&bmp[c], __ATOMIC_RELAXED);
        if (__builtin_expect(v != 0, 1)) return (uint8_t)(v - 1);
    }
    return cicu_qc_get(stage1, form, c);
}

#ifdef __cplusplus
}
#endif
#endif
