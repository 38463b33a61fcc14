#include "cicu_quickcheck.h"
#include "cicu_normalize.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utypes.h>
#include <unicode/unorm2.h>

#define QC_BLOCKS 0x1100
#define QC_FORMS 5

static const uint8_t *stage1[QC_FORMS][QC_BLOCKS];
/* Entry + 1 of every code point below CICU_QC_FLAT_LIMIT whose block is built (0: not built yet); see cicu_qc_entry. */
static uint8_t bmp_plus1[QC_FORMS][CICU_QC_FLAT_LIMIT];
/* Per group of 16 code points below CICU_QC_FLAT_LIMIT: 1 when the group's block is built and all 16 entries are CICU_QC_STARTER. */
static uint8_t starters16[QC_FORMS][CICU_QC_FLAT_LIMIT / 16];
static pthread_mutex_t locks[QC_FORMS] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER
};
static uint8_t all_dirty[256];
static pthread_once_t all_dirty_once = PTHREAD_ONCE_INIT;
static void init_all_dirty(void) { memset(all_dirty, CICU_QC_DIRTY, sizeof all_dirty); }

static const UNormalizer2 *instance(int32_t form, UErrorCode *err) {
    switch (form) {
    case CICU_NFC: return unorm2_getNFCInstance(err);
    case CICU_NFD: return unorm2_getNFDInstance(err);
    case CICU_NFKC: return unorm2_getNFKCInstance(err);
    case CICU_NFKD: return unorm2_getNFKDInstance(err);
    case CICU_NFKC_CF: return unorm2_getNFKCCasefoldInstance(err);
    default: *err = U_ILLEGAL_ARGUMENT_ERROR; return NULL;
    }
}

/* One code point's entry, from ICU's answers about that code point alone. Anything unexpected is DIRTY, which is
 * always safe: a dirty piece is normalized by ICU itself. */
static uint8_t classify(const UNormalizer2 *n, UChar32 c) {
    if (c >= 0xD800 && c <= 0xDFFF) return CICU_QC_DIRTY; /* never in valid UTF-8 */
    UChar s[2];
    int32_t len = 0;
    if (c < 0x10000) { s[len++] = (UChar)c; }
    else { s[len++] = (UChar)(0xD7C0 + (c >> 10)); s[len++] = (UChar)(0xDC00 | (c & 0x3FF)); }
    UErrorCode err = U_ZERO_ERROR;
    UNormalizationCheckResult qc = unorm2_quickCheck(n, s, len, &err);
    if (U_FAILURE(err)) return CICU_QC_DIRTY;
    int bb = unorm2_hasBoundaryBefore(n, c) ? 1 : 0;
    uint8_t cc = unorm2_getCombiningClass(n, c);
    if (qc == UNORM_MAYBE && !bb) return cc == 0 ? CICU_QC_MAYBE_CC0 : CICU_QC_MAYBE_CC;
    if (qc != UNORM_YES) return (bb && cc == 0) ? CICU_QC_DIRTY_STARTER : CICU_QC_DIRTY;
    if (cc != 0) return cc <= 0xF0 ? cc : CICU_QC_DIRTY;
    return bb ? CICU_QC_STARTER : CICU_QC_FOLLOWER_CC0;
}

const uint8_t *const *cicu_qc_stage1(int32_t form) {
    if (form < 0 || form >= QC_FORMS) return NULL;
    return stage1[form];
}

const uint8_t *cicu_qc_fill(int32_t form, uint32_t block) {
    pthread_once(&all_dirty_once, init_all_dirty);
    if (form < 0 || form >= QC_FORMS || block >= QC_BLOCKS) return all_dirty;
    const uint8_t *have = __atomic_load_n(&stage1[form][block], __ATOMIC_ACQUIRE);
    if (have) return have;
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = instance(form, &err);
    if (U_FAILURE(err) || n == NULL) return all_dirty;
    pthread_mutex_lock(&locks[form]);
    have = __atomic_load_n(&stage1[form][block], __ATOMIC_ACQUIRE);
    if (!have) {
        uint8_t *b = (uint8_t *)malloc(256);
        if (b) {
            for (uint32_t k = 0; k < 256; k++) b[k] = classify(n, (UChar32)(block * 256 + k));
            if (block < CICU_QC_FLAT_LIMIT / 256) {
                for (uint32_t k = 0; k < 256; k++)
                    __atomic_store_n(&bmp_plus1[form][block * 256 + k], (uint8_t)(b[k] + 1), __ATOMIC_RELAXED);
                for (uint32_t g = 0; g < 16; g++) {
                    uint8_t all = 1;
                    for (uint32_t k = 0; k < 16; k++) if (b[g * 16 + k] != CICU_QC_STARTER) all = 0;
                    __atomic_store_n(&starters16[form][block * 16 + g], all, __ATOMIC_RELAXED);
                }
            }
            __atomic_store_n(&stage1[form][block], (const uint8_t *)b, __ATOMIC_RELEASE);
            have = b;
        } else {
            have = all_dirty;
        }
    }
    pthread_mutex_unlock(&locks[form]);
    return have;
}

const uint8_t *cicu_qc_bmp(int32_t form) {
    if (form < 0 || form >= QC_FORMS) return NULL;
    return bmp_plus1[form];
}

const uint8_t *cicu_qc_starters16(int32_t form) {
    if (form < 0 || form >= QC_FORMS) return NULL;
    return starters16[form];
}

int32_t cicu_qc_fill_all(int32_t form) {
    int32_t built = 0;
    for (uint32_t k = 0; k < QC_BLOCKS; k++) {
        if (cicu_qc_fill(form, k) != all_dirty) built++;
    }
    return built;
}

int32_t cicu_compose_pair(int32_t form, uint32_t a, uint32_t b) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = instance(form, &err);
    if (U_FAILURE(err) || n == NULL) return -2;
    return (int32_t)unorm2_composePair(n, (UChar32)a, (UChar32)b);
}

int32_t cicu_combining_class(int32_t form, uint32_t c) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = instance(form, &err);
    if (U_FAILURE(err) || n == NULL) return -1;
    return (int32_t)unorm2_getCombiningClass(n, (UChar32)c);
}
