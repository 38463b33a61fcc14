#include "ckernels_minhash.h"

static void lanes_portable(uint32_t *mins, const uint32_t *al, const uint32_t *ah, const uint64_t *b, int lanes,
                           const uint64_t *xs, int count) {
    for (int j = 0; j < lanes; j++) {
        uint64_t a = (uint64_t)ah[j] << 32 | al[j];
        uint32_t m = mins[j];
        for (int i = 0; i < count; i++) {
            uint32_t v = (uint32_t)((a * xs[i] + b[j]) >> 32);
            if (v < m) m = v;
        }
        mins[j] = m;
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("sse4.1")))
static void lanes_sse41(uint32_t *mins, const uint32_t *al, const uint32_t *ah, const uint64_t *b, int lanes,
                        const uint64_t *xs, int count) {
    int j = 0;
    /* Eight lanes per pass over the shingles: the broadcasts of each x serve two groups of four, and the two
       groups' products are independent (more work in flight per shingle). */
    for (; j + 8 <= lanes; j += 8) {
        __m128i vmin0 = _mm_loadu_si128((const __m128i *)(mins + j));
        __m128i vmin1 = _mm_loadu_si128((const __m128i *)(mins + j + 4));
        __m128i val0 = _mm_loadu_si128((const __m128i *)(al + j));
        __m128i val1 = _mm_loadu_si128((const __m128i *)(al + j + 4));
        __m128i vah0 = _mm_loadu_si128((const __m128i *)(ah + j));
        __m128i vah1 = _mm_loadu_si128((const __m128i *)(ah + j + 4));
        __m128i val13_0 = _mm_srli_epi64(val0, 32);
        __m128i val13_1 = _mm_srli_epi64(val1, 32);
        __m128i b02_0 = _mm_loadu_si128((const __m128i *)(b + j));
        __m128i b13_0 = _mm_loadu_si128((const __m128i *)(b + j + 2));
        __m128i b02_1 = _mm_loadu_si128((const __m128i *)(b + j + 4));
        __m128i b13_1 = _mm_loadu_si128((const __m128i *)(b + j + 6));
        __m128i bEven0 = _mm_unpacklo_epi64(b02_0, b13_0), bOdd0 = _mm_unpackhi_epi64(b02_0, b13_0);
        __m128i bEven1 = _mm_unpacklo_epi64(b02_1, b13_1), bOdd1 = _mm_unpackhi_epi64(b02_1, b13_1);
        for (int i = 0; i < count; i++) {
            uint64_t x = xs[i];
            __m128i xl = _mm_set1_epi32((int)(uint32_t)x);
            __m128i xh = _mm_set1_epi32((int)(uint32_t)(x >> 32));
            __m128i pe0 = _mm_add_epi64(_mm_mul_epu32(val0, xl), bEven0);
            __m128i po0 = _mm_add_epi64(_mm_mul_epu32(val13_0, xl), bOdd0);
            __m128i pe1 = _mm_add_epi64(_mm_mul_epu32(val1, xl), bEven1);
            __m128i po1 = _mm_add_epi64(_mm_mul_epu32(val13_1, xl), bOdd1);
            /* hi32 of each 64-bit product back in lane order: even lanes shifted down, odd lanes blended in. */
            __m128i hi0 = _mm_blend_epi16(_mm_srli_epi64(pe0, 32), po0, 0xCC);
            __m128i hi1 = _mm_blend_epi16(_mm_srli_epi64(pe1, 32), po1, 0xCC);
            __m128i c0 = _mm_add_epi32(_mm_mullo_epi32(vah0, xl), _mm_mullo_epi32(val0, xh));
            __m128i c1 = _mm_add_epi32(_mm_mullo_epi32(vah1, xl), _mm_mullo_epi32(val1, xh));
            vmin0 = _mm_min_epu32(vmin0, _mm_add_epi32(hi0, c0));
            vmin1 = _mm_min_epu32(vmin1, _mm_add_epi32(hi1, c1));
        }
        _mm_storeu_si128((__m128i *)(mins + j), vmin0);
        _mm_storeu_si128((__m128i *)(mins + j + 4), vmin1);
    }
    for (; j + 4 <= lanes; j += 4) {
        __m128i vmin = _mm_loadu_si128((const __m128i *)(mins + j));
        __m128i val = _mm_loadu_si128((const __m128i *)(al + j));       /* al0 al1 al2 al3 */
        __m128i vah = _mm_loadu_si128((const __m128i *)(ah + j));
        __m128i val13 = _mm_srli_epi64(val, 32);                            /* al1 _ al3 _ */
        __m128i b02 = _mm_loadu_si128((const __m128i *)(b + j));           /* b0 b1 (64-bit) */
        __m128i b13 = _mm_loadu_si128((const __m128i *)(b + j + 2));       /* b2 b3 */
        /* Reorder b to lanes (0,2) and (1,3) to match pmuludq's even-lane products. */
        __m128i bEven = _mm_unpacklo_epi64(b02, b13);                      /* b0 b2 */
        __m128i bOdd = _mm_unpackhi_epi64(b02, b13);                       /* b1 b3 */
        for (int i = 0; i < count; i++) {
            uint64_t x = xs[i];
            __m128i xl = _mm_set1_epi32((int)(uint32_t)x);
            __m128i xh = _mm_set1_epi32((int)(uint32_t)(x >> 32));
            __m128i pe = _mm_add_epi64(_mm_mul_epu32(val, xl), bEven);    /* lanes 0,2: al*xl + b */
            __m128i po = _mm_add_epi64(_mm_mul_epu32(val13, xl), bOdd);   /* lanes 1,3 */
            /* hi32 of each 64-bit product, back into lane order 0 1 2 3. */
            __m128i hiE = _mm_srli_epi64(pe, 32);                           /* h0 _ h2 _ */
            __m128i hiO = _mm_and_si128(po, _mm_set1_epi64x((long long)0xFFFFFFFF00000000ULL)); /* _ h1 _ h3 */
            __m128i hi = _mm_or_si128(hiE, hiO);
            __m128i cross = _mm_add_epi32(_mm_mullo_epi32(vah, xl), _mm_mullo_epi32(val, xh));
            __m128i v = _mm_add_epi32(hi, cross);
            vmin = _mm_min_epu32(vmin, v);
        }
        _mm_storeu_si128((__m128i *)(mins + j), vmin);
    }
    if (j < lanes) lanes_portable(mins + j, al + j, ah + j, b + j, lanes - j, xs, count);
}

/* Sixteen lanes per pass, on 64-bit lanes: VPMULLQ gives the low 64 bits of a·x, exactly the formula's wrapping
   product, so each shingle costs two multiplies, adds, shifts and minimums per 16 lanes (SSE4.1 needed about 28
   operations for the same 16, splitting the product into 32-bit pieces; 7.6% of a full audit's CPU). */
__attribute__((target("avx512f,avx512dq")))
static void lanes_avx512(uint32_t *mins, const uint32_t *al, const uint32_t *ah, const uint64_t *b, int lanes,
                         const uint64_t *xs, int count) {
    int j = 0;
    for (; j + 16 <= lanes; j += 16) {
        __m512i a[2], bv[2], m[2];
        for (int h = 0; h < 2; h++) {
            __m512i lo = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(al + j + 8 * h)));
            __m512i hi = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(ah + j + 8 * h)));
            a[h] = _mm512_or_si512(_mm512_slli_epi64(hi, 32), lo);
            bv[h] = _mm512_loadu_si512((const void *)(b + j + 8 * h));
            m[h] = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(mins + j + 8 * h)));
        }
        for (int i = 0; i < count; i++) {
            __m512i x = _mm512_set1_epi64((long long)xs[i]);
            m[0] = _mm512_min_epu64(m[0], _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a[0], x), bv[0]), 32));
            m[1] = _mm512_min_epu64(m[1], _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a[1], x), bv[1]), 32));
        }
        _mm256_storeu_si256((__m256i *)(mins + j), _mm512_cvtepi64_epi32(m[0]));
        _mm256_storeu_si256((__m256i *)(mins + j + 8), _mm512_cvtepi64_epi32(m[1]));
    }
    if (j < lanes) lanes_sse41(mins + j, al + j, ah + j, b + j, lanes - j, xs, count);
}
#endif


void ck_minhash_lanes(uint32_t *mins, const uint32_t *al, const uint32_t *ah, const uint64_t *b, int lanes,
                        const uint64_t *xs, int count) {
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
        lanes_avx512(mins, al, ah, b, lanes, xs, count);
        return;
    }
    if (__builtin_cpu_supports("sse4.1")) { lanes_sse41(mins, al, ah, b, lanes, xs, count); return; }
#endif
    lanes_portable(mins, al, ah, b, lanes, xs, count);
}
