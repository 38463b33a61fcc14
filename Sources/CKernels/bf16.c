#include "ckernels_bf16.h"

#include <math.h>
#include <string.h>

/* The arithmetic is defined in ckernels_bf16.h; the portable functions below are that definition, and the
   AVX512-BF16 code computes the same bits (VDPBF16PS: per lane, the odd pair's product then the even pair's, each
   a rounded fused add, subnormal results flushed to zero). */

#define GROUP 96 /* output columns per padding unit: 6 blocks of 16, also 2 groups of 3 blocks */

int ck_bf16_padded_outputs(int OC) { return (OC + GROUP - 1) / GROUP * GROUP; }
int ck_bf16_padded_inputs(int C) { return (C + 1) / 2 * 2; }
size_t ck_bf16_packed_count(int C, int OC) { return (size_t)ck_bf16_padded_outputs(OC) * (size_t)ck_bf16_padded_inputs(C); }
size_t ck_bf16_scratch_count(int rows, int C) { return (size_t)(rows > 0 ? rows : 0) * (size_t)ck_bf16_padded_inputs(C); }

uint16_t ck_bf16_round(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7F800000u) == 0) return (uint16_t)((u >> 16) & 0x8000u);           /* zero or subnormal: signed zero */
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x0040u);   /* NaN: quiet */
    u += 0x7FFFu + ((u >> 16) & 1u);                                                /* nearest, ties to even */
    return (uint16_t)(u >> 16);
}

static inline float bf16_value(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline float flush(float x) { return fabsf(x) < 1.17549435e-38f ? copysignf(0.0f, x) : x; }

void ck_bf16_pack(uint16_t *packed, const float *w, int C, int OC) {
    int Cp = ck_bf16_padded_inputs(C), OCp = ck_bf16_padded_outputs(OC), P = Cp / 2;
    for (int b = 0; b < OCp / 16; b++) {
        uint16_t *blk = packed + (size_t)b * 16 * Cp;
        for (int p = 0; p < P; p++)
            for (int c = 0; c < 16; c++)
                for (int e = 0; e < 2; e++) {
                    int o = 16 * b + c, k = 2 * p + e;
                    blk[(size_t)p * 32 + 2 * c + e] = (o < OC && k < C) ? ck_bf16_round(w[(size_t)o * C + k]) : 0;
                }
    }
}

static void round_rows_portable(uint16_t *xb, const float *inp, int rows, int C) {
    int Cp = ck_bf16_padded_inputs(C);
    for (int r = 0; r < rows; r++) {
        for (int k = 0; k < C; k++) xb[(size_t)r * Cp + k] = ck_bf16_round(inp[(size_t)r * C + k]);
        if (Cp > C) xb[(size_t)r * Cp + C] = 0;
    }
}

static void linear_bf16_portable(float *out, const uint16_t *xb, const uint16_t *packed, const float *bias, int rows,
                                 int C, int OC) {
    int Cp = ck_bf16_padded_inputs(C), P = Cp / 2;
    for (int r = 0; r < rows; r++) {
        const uint16_t *x = xb + (size_t)r * Cp;
        for (int o = 0; o < OC; o++) {
            const uint16_t *blk = packed + (size_t)(o / 16) * 16 * Cp + 2 * (o % 16);
            float acc = 0.0f;
            for (int p = 0; p < P; p++) {
                const uint16_t *wp = blk + (size_t)p * 32;
                acc = flush(fmaf(bf16_value(x[2 * p + 1]), bf16_value(wp[1]), acc));
                acc = flush(fmaf(bf16_value(x[2 * p]), bf16_value(wp[0]), acc));
            }
            out[(size_t)r * OC + o] = bias ? acc + bias[o] : acc;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define INLINE static inline __attribute__((always_inline))

BF16 static void round_rows_avx512(uint16_t *xb, const float *inp, int rows, int C) {
    int Cp = ck_bf16_padded_inputs(C), kfull = C / 16 * 16;
    for (int r = 0; r < rows; r++) {
        const float *x = inp + (size_t)r * C;
        uint16_t *d = xb + (size_t)r * Cp;
        for (int k = 0; k < kfull; k += 16) _mm256_storeu_si256((__m256i *)(d + k), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + k)));
        for (int k = kfull; k < C; k++) d[k] = ck_bf16_round(x[k]);
        if (Cp > C) d[C] = 0;
    }
}

/* One MR×NB tile: rows r0..r0+MR (bf16 pairs, row stride Cp) against NB column blocks starting at `wg`. Every
   output element is one accumulator, updated once per input pair in order: the same instruction sequence whatever
   MR, NB and its position. `pf`, when not NULL, is the next column group, asked into L2 while this one computes. */
INLINE BF16 void tile_bf16(float *out, int OC, const uint16_t *xb, int Cp, const uint16_t *wg, int col0,
                           const float *bias, int r0, int MR, int NB, const uint16_t *pf) {
    const int P = Cp / 2;
    const size_t bstride = (size_t)16 * Cp;
    __m512 acc[8][6];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NB; j++) acc[i][j] = _mm512_setzero_ps();
    const uint32_t *xr[8];
    for (int i = 0; i < MR; i++) xr[i] = (const uint32_t *)(xb + (size_t)(r0 + i) * Cp);
    for (int p = 0; p < P; p++) {
        __m512bh wv[6];
        for (int j = 0; j < NB; j++) wv[j] = (__m512bh)_mm512_loadu_si512(wg + j * bstride + (size_t)p * 32);
        if (pf)
            for (int j = 0; j < NB; j++) _mm_prefetch((const char *)(pf + j * bstride + (size_t)p * 32), _MM_HINT_T1);
        for (int i = 0; i < MR; i++) {
            __m512bh xv = (__m512bh)_mm512_set1_epi32((int)xr[i][p]);
            for (int j = 0; j < NB; j++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], xv, wv[j]);
        }
    }
    for (int j = 0; j < NB; j++) {
        int c = col0 + 16 * j, n = OC - c;
        if (n <= 0) break;
        __mmask16 m = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
        __m512 b = bias ? _mm512_maskz_loadu_ps(m, bias + c) : _mm512_setzero_ps();
        for (int i = 0; i < MR; i++) {
            __m512 v = bias ? _mm512_add_ps(acc[i][j], b) : acc[i][j];
            _mm512_mask_storeu_ps(out + (size_t)(r0 + i) * OC + c, m, v);
        }
    }
}

BF16 static void tile3(float *out, int OC, const uint16_t *xb, int Cp, const uint16_t *wg, int col0, const float *bias,
                       int r0, int MR, const uint16_t *pf) {
    switch (MR) {
    case 8: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 8, 3, pf); break;
    case 7: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 7, 3, pf); break;
    case 6: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 6, 3, pf); break;
    case 5: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 5, 3, pf); break;
    case 4: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 4, 3, pf); break;
    case 3: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 3, 3, pf); break;
    case 2: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 2, 3, pf); break;
    default: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 1, 3, pf); break;
    }
}

BF16 static void tile6(float *out, int OC, const uint16_t *xb, int Cp, const uint16_t *wg, int col0, const float *bias,
                       int r0, int MR, const uint16_t *pf) {
    switch (MR) {
    case 4: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 4, 6, pf); break;
    case 3: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 3, 6, pf); break;
    case 2: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 2, 6, pf); break;
    default: tile_bf16(out, OC, xb, Cp, wg, col0, bias, r0, 1, 6, pf); break;
    }
}

/* Column groups outer, so a group's weights come from memory once per call and stay in L1/L2 while every row tile
   passes over them; the next group is prefetched during the group's first row tile. Up to 4 rows (a small decode
   step): one tile of 6 blocks (more independent accumulators per row); otherwise tiles of 8 rows × 3 blocks. */
BF16 static void linear_bf16_avx512(float *out, const uint16_t *xb, const uint16_t *packed, const float *bias,
                                    int rows, int C, int OC) {
    int Cp = ck_bf16_padded_inputs(C), OCp = ck_bf16_padded_outputs(OC);
    size_t bstride = (size_t)16 * Cp;
    int NB = rows <= 4 ? 6 : 3, width = 16 * NB;
    for (int col0 = 0; col0 < OCp && col0 < OC; col0 += width) {
        const uint16_t *wg = packed + (size_t)(col0 / 16) * bstride;
        const uint16_t *pf = col0 + width < OC ? wg + NB * bstride : NULL;
        if (NB == 6) {
            tile6(out, OC, xb, Cp, wg, col0, bias, 0, rows, pf);
            continue;
        }
        for (int r0 = 0; r0 < rows; r0 += 8) {
            int MR = rows - r0 < 8 ? rows - r0 : 8;
            tile3(out, OC, xb, Cp, wg, col0, bias, r0, MR, r0 == 0 ? pf : NULL);
        }
    }
}

BF16 static void round_n_avx512(uint16_t *dst, const float *src, long n) {
    long full = n / 16 * 16;
    for (long i = 0; i < full; i += 16) _mm256_storeu_si256((__m256i *)(dst + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + i)));
    for (long i = full; i < n; i++) dst[i] = ck_bf16_round(src[i]);
}

static int have_bf16(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16")) ? 1 : 0;
    }
    return cached;
}
#else
static int have_bf16(void) { return 0; }
#endif

int ck_bf16_uses_avx512bf16(void) { return have_bf16(); }

void ck_bf16_round_n(uint16_t *dst, const float *src, long n) {
#if defined(__x86_64__)
    if (have_bf16()) { round_n_avx512(dst, src, n); return; }
#endif
    for (long i = 0; i < n; i++) dst[i] = ck_bf16_round(src[i]);
}

void ck_bf16_widen_n(float *dst, const uint16_t *src, long n) {
    for (long i = 0; i < n; i++) dst[i] = bf16_value(src[i]);
}

void ck_linear_bf16(float *out, const float *inp, const uint16_t *packed, const float *bias, int rows, int C, int OC,
                    uint16_t *scratch) {
    if (rows <= 0 || OC <= 0) return;
#if defined(__x86_64__)
    if (have_bf16()) {
        round_rows_avx512(scratch, inp, rows, C);
        linear_bf16_avx512(out, scratch, packed, bias, rows, C, OC);
        return;
    }
#endif
    ck_linear_bf16_portable(out, inp, packed, bias, rows, C, OC, scratch);
}

void ck_linear_bf16_portable(float *out, const float *inp, const uint16_t *packed, const float *bias, int rows, int C,
                             int OC, uint16_t *scratch) {
    if (rows <= 0 || OC <= 0) return;
    round_rows_portable(scratch, inp, rows, C);
    linear_bf16_portable(out, scratch, packed, bias, rows, C, OC);
}
