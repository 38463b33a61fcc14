#include "csha256.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_portable(uint32_t s[8], const uint8_t *p, size_t blocks) {
    uint32_t w[64];
    while (blocks--) {
        for (int t = 0; t < 16; t++)
            w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
        p += 64;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i TMP = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i STATE1 = _mm_loadu_si128((const __m128i *)&state[4]);
    TMP = _mm_shuffle_epi32(TMP, 0xB1);           /* CDAB */
    STATE1 = _mm_shuffle_epi32(STATE1, 0x1B);     /* EFGH */
    __m128i STATE0 = _mm_alignr_epi8(TMP, STATE1, 8);  /* ABEF */
    STATE1 = _mm_blend_epi16(STATE1, TMP, 0xF0);  /* CDGH */
    while (blocks--) {
        __m128i ABEF = STATE0, CDGH = STATE1;
        __m128i M[4];
        for (int i = 0; i < 4; i++) M[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), MASK);
        for (int g = 0; g < 16; g++) {
            __m128i MSG = _mm_add_epi32(M[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
            STATE1 = _mm_sha256rnds2_epu32(STATE1, STATE0, MSG);
            MSG = _mm_shuffle_epi32(MSG, 0x0E);
            STATE0 = _mm_sha256rnds2_epu32(STATE0, STATE1, MSG);
            if (g < 12) {
                /* W[4(g+4) .. 4(g+4)+3] from the four previous groups. */
                __m128i t = _mm_sha256msg1_epu32(M[g & 3], M[(g + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(M[(g + 3) & 3], M[(g + 2) & 3], 4));
                M[g & 3] = _mm_sha256msg2_epu32(t, M[(g + 3) & 3]);
            }
        }
        STATE0 = _mm_add_epi32(STATE0, ABEF);
        STATE1 = _mm_add_epi32(STATE1, CDGH);
        data += 64;
    }
    TMP = _mm_shuffle_epi32(STATE0, 0x1B);        /* FEBA */
    STATE1 = _mm_shuffle_epi32(STATE1, 0xB1);     /* DCHG */
    STATE0 = _mm_blend_epi16(TMP, STATE1, 0xF0);  /* DCBA */
    STATE1 = _mm_alignr_epi8(STATE1, TMP, 8);     /* ABEF */
    _mm_storeu_si128((__m128i *)&state[0], STATE0);
    _mm_storeu_si128((__m128i *)&state[4], STATE1);
}

#include <cpuid.h>
static int has_sha_ni(void) {
    static int cached = -1;
    if (cached < 0) {
        unsigned a, b, c, d;
        int ok = 0;
        if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9))) {   /* SSE4.1, SSSE3 */
            if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29))) ok = 1;     /* SHA */
        }
        cached = ok;
    }
    return cached;
}
#else
static int has_sha_ni(void) { return 0; }
#endif

int aigc_sha256_accelerated(void) { return has_sha_ni(); }

void aigc_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (has_sha_ni()) { sha256_ni(state, data, blocks); return; }
#endif
    sha256_portable(state, data, blocks);
}
