#include "ckernels_utf8.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* Error classes of a (previous byte, byte) pair, one bit each. A pair is invalid when the three table lookups
   below (high nibble of the previous byte, its low nibble, high nibble of the byte) all have one class bit set.
   The 0x80 bit, "two continuation bytes", is an error only where the byte is not the third or fourth of a
   sequence (see the lengths check). */
enum {
    TOO_SHORT = 1 << 0,      /* a lead byte followed by a lead or ASCII byte */
    TOO_LONG = 1 << 1,       /* ASCII followed by a continuation byte */
    OVERLONG_3 = 1 << 2,     /* E0 80..9F */
    TOO_LARGE = 1 << 3,      /* F4 90..BF, or F5..FF followed by a continuation byte */
    SURROGATE = 1 << 4,      /* ED A0..BF */
    OVERLONG_2 = 1 << 5,     /* C0 or C1 followed by a continuation byte */
    TOO_LARGE_1000 = 1 << 6, /* F5..FF 80..8F */
    OVERLONG_4 = 1 << 6,     /* F0 80..8F (the two share a bit: their previous-byte tables never overlap) */
    TWO_CONTS = 1 << 7,      /* a continuation byte followed by one */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

#define AVX2 __attribute__((target("avx2")))

/* A 16-entry nibble table in both 128-bit lanes (vpshufb looks up within a lane). */
#define TABLE16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)                             \
    _mm256_setr_epi8((char)(a0), (char)(a1), (char)(a2), (char)(a3), (char)(a4), (char)(a5), (char)(a6),            \
                     (char)(a7), (char)(a8), (char)(a9), (char)(a10), (char)(a11), (char)(a12), (char)(a13),        \
                     (char)(a14), (char)(a15), (char)(a0), (char)(a1), (char)(a2), (char)(a3), (char)(a4),          \
                     (char)(a5), (char)(a6), (char)(a7), (char)(a8), (char)(a9), (char)(a10), (char)(a11),          \
                     (char)(a12), (char)(a13), (char)(a14), (char)(a15))

/* The 32 bytes that end `n` bytes before the start of `cur` (n = 1, 2, 3): the last n of `prev`, then `cur`. */
AVX2 static inline __m256i shifted(__m256i cur, __m256i prev, int n) {
    __m256i mid = _mm256_permute2x128_si256(prev, cur, 0x21); /* prev's high lane, cur's low lane */
    switch (n) {
    case 1: return _mm256_alignr_epi8(cur, mid, 15);
    case 2: return _mm256_alignr_epi8(cur, mid, 14);
    default: return _mm256_alignr_epi8(cur, mid, 13);
    }
}

/* Nonzero bytes where the block has an error, given the previous block (for pairs and sequences crossing). */
AVX2 static inline __m256i block_errors(__m256i cur, __m256i prev) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i byte1_high = TABLE16(
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, /* 0xxx: ASCII */
        TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,                                     /* 10xx: continuation */
        TOO_SHORT | OVERLONG_2,                                                         /* 1100 */
        TOO_SHORT,                                                                      /* 1101 */
        TOO_SHORT | OVERLONG_3 | SURROGATE,                                             /* 1110 */
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);                           /* 1111 */
    const __m256i byte1_low = TABLE16(
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, /* ____0000 */
        CARRY | OVERLONG_2,                           /* ____0001 */
        CARRY, CARRY,                                 /* ____001_ */
        CARRY | TOO_LARGE,                            /* ____0100 */
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, /* ____1101 */
        CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000);
    const __m256i byte2_high = TABLE16(
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, /* 0xxx */
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,           /* 1000 */
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,                             /* 1001 */
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                              /* 1010 */
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                              /* 1011 */
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);                                            /* 11xx */
    __m256i prev1 = shifted(cur, prev, 1);
    __m256i a = _mm256_shuffle_epi8(byte1_high, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), low4));
    __m256i b = _mm256_shuffle_epi8(byte1_low, _mm256_and_si256(prev1, low4));
    __m256i c = _mm256_shuffle_epi8(byte2_high, _mm256_and_si256(_mm256_srli_epi16(cur, 4), low4));
    __m256i special = _mm256_and_si256(_mm256_and_si256(a, b), c);
    /* Bytes that must be continuations because they are the third or fourth of a sequence: their top bit must
       match the TWO_CONTS bit exactly. */
    __m256i third = _mm256_subs_epu8(shifted(cur, prev, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(shifted(cur, prev, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must23, special);
}

/* The last offset in [max(0, s - 4), s] where a sequence may start (a byte that is not a continuation byte), for
   a block start s whose preceding bytes passed the check: everything before it is complete and valid. */
static size_t sequence_start_before(const uint8_t *p, size_t s) {
    size_t k = s;
    while (k > 0 && s - k < 4) {
        k -= 1;
        if ((p[k] & 0xC0) != 0x80) return k;
    }
    return 0; /* s == 0, or four continuation bytes (never in a checked prefix): vouch for nothing */
}

AVX2 static size_t valid_prefix_avx2(const uint8_t *p, size_t n) {
    __m256i prev = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i cur = _mm256_loadu_si256((const __m256i *)(p + i));
        if (_mm256_movemask_epi8(cur) == 0) {
            /* ASCII block: only a sequence left open at the end of the previous block can be wrong here. */
            if (i > 0 && (p[i - 1] >= 0xC0 || p[i - 2] >= 0xE0 || (i >= 3 && p[i - 3] >= 0xF0)))
                return sequence_start_before(p, i);
            prev = cur;
            continue;
        }
        __m256i err = block_errors(cur, prev);
        if (!_mm256_testz_si256(err, err)) return sequence_start_before(p, i);
        prev = cur;
    }
    /* The tail (under 32 bytes) and any sequence still open at its start: the caller's walk. */
    return i == 0 ? 0 : sequence_start_before(p, i);
}

static int have_avx2(void) {
    static int cached = -1;
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c < 0) {
        __builtin_cpu_init();
        c = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    return c;
}

size_t ck_utf8_valid_prefix(const uint8_t *p, size_t n) { return have_avx2() ? valid_prefix_avx2(p, n) : 0; }
int ck_utf8_uses_avx2(void) { return have_avx2(); }

#else
size_t ck_utf8_valid_prefix(const uint8_t *p, size_t n) { (void)p; (void)n; return 0; }
int ck_utf8_uses_avx2(void) { return 0; }
#endif
