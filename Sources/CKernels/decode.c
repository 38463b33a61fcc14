#include "ckernels_decode.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- Portable implementations (any CPU). Each output element: 16 partial sums over the input in order, then a
   fixed pairwise tree, exactly as the AVX-512 code below, so both are batch-invariant the same way. ---- */

static float tree16(const float *l) {
    float a[8], b[4];
    for (int i = 0; i < 8; i++) a[i] = l[i] + l[i + 8];
    for (int i = 0; i < 4; i++) b[i] = a[i] + a[i + 4];
    float c0 = b[0] + b[2], c1 = b[1] + b[3];
    return c0 + c1;
}

static void linear_portable(float *out, const float *inp, const float *w, const float *bias, int rows, int C, int OC) {
    for (int r = 0; r < rows; r++) {
        const float *x = inp + (size_t)r * C;
        for (int o = 0; o < OC; o++) {
            const float *wo = w + (size_t)o * C;
            float lanes[16] = {0};
            for (int k = 0; k < C; k += 16) {
                int n = C - k < 16 ? C - k : 16;
                for (int l = 0; l < n; l++) lanes[l] = fmaf(x[k + l], wo[k + l], lanes[l]);
            }
            float s = tree16(lanes);
            out[(size_t)r * OC + o] = bias ? s + bias[o] : s;
        }
    }
}

/* Element idx of a cache row block: fp32, or bf16 (exactly widened to fp32). */
static inline float kv_at(const void *p, size_t idx, int bf16) {
    if (!bf16) return ((const float *)p)[idx];
    uint32_t u = (uint32_t)((const uint16_t *)p)[idx] << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void attention_portable_kv(float *out, const float *q, const void *k, const void *v, int len, int C, int NH,
                                  int stride, float *scores, int bf16) {
    int hs = C / NH;
    float scale = 1.0f / sqrtf((float)hs);
    for (int h = 0; h < NH; h++) {
        const float *qh = q + h * hs;
        float mx = -INFINITY;
        for (int j = 0; j < len; j++) {
            size_t kj = (size_t)j * stride + h * hs;
            float s = 0;
            for (int d = 0; d < hs; d++) s += qh[d] * kv_at(k, kj + d, bf16);
            s *= scale;
            scores[j] = s;
            if (s > mx) mx = s;
        }
        float sum = 0;
        for (int j = 0; j < len; j++) { scores[j] = expf(scores[j] - mx); sum += scores[j]; }
        float inv = 1 / sum;
        float *oh = out + h * hs;
        for (int d = 0; d < hs; d++) oh[d] = 0;
        for (int j = 0; j < len; j++) {
            size_t vj = (size_t)j * stride + h * hs;
            for (int d = 0; d < hs; d++) oh[d] += scores[j] * kv_at(v, vj + d, bf16);
        }
        for (int d = 0; d < hs; d++) oh[d] *= inv;
    }
}

static void attention_portable(float *out, const float *q, const float *k, const float *v, int len, int C, int NH,
                               int stride, float *scores) {
    attention_portable_kv(out, q, k, v, len, C, NH, stride, scores, 0);
}

static void gelu_portable(float *x, long count) {
    for (long i = 0; i < count; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1 + tanhf(0.7978845608f * (v + 0.044715f * v * v * v)));
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE static inline __attribute__((always_inline))

/* Horizontal sum of 16 lanes in a fixed tree (the same as tree16): halves, quarters, pairs. */
AVX512 INLINE float hsum512(__m512 v) {
    __m256 lo = _mm512_castps512_ps256(v);
    __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    __m256 a = _mm256_add_ps(lo, hi);
    __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    __m128 d = _mm_add_ss(c, _mm_shuffle_ps(c, c, 1));
    return _mm_cvtss_f32(d);
}

/* Sixteen horizontal sums in one vector: lane 4j+i of the result is hsum512(acc[i][j]), computed with the same
   additions in the same order (halves, quarters, pairs, then the last pair), by transposing while reducing:
   each level adds two shuffled vectors that hold the matching halves of two accumulators. */
AVX512 INLINE __m512 reduce16x16(__m512 acc[4][4]) {
    __m512 v[16], z[8], q[4], s[2];
    for (int m = 0; m < 16; m++) v[m] = acc[m / 4][m % 4];  /* v[4r+b] = acc[r][b] */
    /* a[i] = x[i] + x[i+8]: lanes 0-7 from v[2p], lanes 8-15 from v[2p+1]. */
    for (int p = 0; p < 8; p++)
        z[p] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * p], v[2 * p + 1], 0x44),
                             _mm512_shuffle_f32x4(v[2 * p], v[2 * p + 1], 0xEE));
    /* b[i] = a[i] + a[i+4]: 128-bit block k of q[r] is b of v[4r+k]. */
    for (int r = 0; r < 4; r++)
        q[r] = _mm512_add_ps(_mm512_shuffle_f32x4(z[2 * r], z[2 * r + 1], 0x88),
                             _mm512_shuffle_f32x4(z[2 * r], z[2 * r + 1], 0xDD));
    /* c[i] = b[i] + b[i+2], per 128-bit block: [c0, c1] of q[2u] then of q[2u+1]. */
    for (int u = 0; u < 2; u++)
        s[u] = _mm512_add_ps(_mm512_shuffle_ps(q[2 * u], q[2 * u + 1], 0x44),
                             _mm512_shuffle_ps(q[2 * u], q[2 * u + 1], 0xEE));
    /* d = c0 + c1: block k, lane r holds the sum of v[4r+k] = acc[r][k]. */
    return _mm512_add_ps(_mm512_shuffle_ps(s[0], s[1], 0x88), _mm512_shuffle_ps(s[0], s[1], 0xDD));
}

/* One NR×NO tile: rows r0..r0+NR of the input against weight rows o0..o0+NO. NR and NO are constants at every
   call site, so the accumulators live in registers. Every element gets the same instruction sequence whatever
   NR, NO and its position in the tile. */
AVX512 INLINE void tile512(float *out, const float *inp, const float *w, const float *bias, int r0, int o0, int C,
                           int OC, int NR, int NO, int kfull, __mmask16 tail) {
    __m512 acc[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = _mm512_setzero_ps();
    const float *wr[4], *xr[4];
    for (int j = 0; j < NO; j++) wr[j] = w + (size_t)(o0 + j) * C;
    for (int i = 0; i < NR; i++) xr[i] = inp + (size_t)(r0 + i) * C;
    for (int k = 0; k < kfull; k += 16) {
        __m512 wv[4];
        for (int j = 0; j < NO; j++) wv[j] = _mm512_loadu_ps(wr[j] + k);
        for (int i = 0; i < NR; i++) {
            __m512 xv = _mm512_loadu_ps(xr[i] + k);
            for (int j = 0; j < NO; j++) acc[i][j] = _mm512_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
    if (tail) {
        __m512 wv[4];
        for (int j = 0; j < NO; j++) wv[j] = _mm512_maskz_loadu_ps(tail, wr[j] + kfull);
        for (int i = 0; i < NR; i++) {
            __m512 xv = _mm512_maskz_loadu_ps(tail, xr[i] + kfull);
            for (int j = 0; j < NO; j++) acc[i][j] = _mm512_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
    /* The 16 horizontal sums at once (a tile's unused accumulators are zero): 15 vector adds and 30 shuffles
       instead of 16 separate hsum512 trees (~9 instructions each, a third of the tile's work at C = 384). Every
       lane still adds exactly the pairs hsum512 adds, in its order, so the results are bit-identical to it. */
    float sums[16];
    if (NR * NO > 4) {
        _mm512_storeu_ps(sums, reduce16x16(acc));
    } else {  /* one row (a batch of one) or one output: four trees are cheaper than the full transpose */
        for (int i = 0; i < NR; i++)
            for (int j = 0; j < NO; j++) sums[4 * j + i] = hsum512(acc[i][j]);
    }
    for (int i = 0; i < NR; i++)
        for (int j = 0; j < NO; j++) {
            float s = sums[4 * j + i];
            out[(size_t)(r0 + i) * OC + o0 + j] = bias ? s + bias[o0 + j] : s;
        }
}

AVX512 static void linear_avx512(float *out, const float *inp, const float *w, const float *bias, int rows, int C,
                                 int OC) {
    int kfull = C / 16 * 16;
    __mmask16 tail = (__mmask16)((1u << (C - kfull)) - 1);
    int ofull = OC / 4 * 4;
    /* Outputs outer: a tile's four weight rows stay in L1/L2 while every group of rows passes over them, so
       the weights stream from memory once per call. */
    for (int o0 = 0; o0 < ofull; o0 += 4) {
        /* The weights come from memory once per call: ask for the tile 16 weight rows ahead (into L2) while this
           one computes; with the hardware prefetcher alone the loop waits on memory (measured 2x slower). */
        if (o0 + 16 < OC) {
            const char *next = (const char *)(w + (size_t)(o0 + 16) * C);
            for (size_t b = 0; b < (size_t)4 * C * sizeof(float); b += 64) _mm_prefetch(next + b, _MM_HINT_T1);
        }
        int r0 = 0;
        for (; r0 + 4 <= rows; r0 += 4) tile512(out, inp, w, bias, r0, o0, C, OC, 4, 4, kfull, tail);
        switch (rows - r0) {
        case 3: tile512(out, inp, w, bias, r0, o0, C, OC, 3, 4, kfull, tail); break;
        case 2: tile512(out, inp, w, bias, r0, o0, C, OC, 2, 4, kfull, tail); break;
        case 1: tile512(out, inp, w, bias, r0, o0, C, OC, 1, 4, kfull, tail); break;
        default: break;
        }
    }
    for (int o0 = ofull; o0 < OC; o0++) {
        int r0 = 0;
        for (; r0 + 4 <= rows; r0 += 4) tile512(out, inp, w, bias, r0, o0, C, OC, 4, 1, kfull, tail);
        for (; r0 < rows; r0++) tile512(out, inp, w, bias, r0, o0, C, OC, 1, 1, kfull, tail);
    }
}

/* exp with the Cephes range reduction and degree-6 polynomial (the constants of FastMath.exp). */
AVX512 INLINE __m512 exp512(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(88.3f));
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
    __m512 t = _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), _mm512_set1_ps(12582912.0f));
    __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(12582912.0f));
    __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_add_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(2.1219444e-4f)));
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665796e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001e-1f));
    __m512 e = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_slli_epi32(
        _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000)), _mm512_set1_epi32(127)),
        23);
    return _mm512_mul_ps(e, _mm512_castsi512_ps(bits));
}

/* Softmax numerator in place: s[j] = exp(s[j] - max(s)); returns the sum of the exponentials (the caller
   divides). One home for both attention layouts, so their rounding stays identical. */
AVX512 static float exp_in_place512(float *s, int len) {
    int jfull = len / 16 * 16;
    __mmask16 jtail = (__mmask16)((1u << (len - jfull)) - 1);
    __m512 mx = _mm512_set1_ps(-INFINITY);
    for (int j = 0; j < jfull; j += 16) mx = _mm512_max_ps(mx, _mm512_loadu_ps(s + j));
    if (jtail) mx = _mm512_mask_max_ps(mx, jtail, mx, _mm512_maskz_loadu_ps(jtail, s + jfull));
    __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
    __m512 sum = _mm512_setzero_ps();
    for (int j = 0; j < jfull; j += 16) {
        __m512 e = exp512(_mm512_sub_ps(_mm512_loadu_ps(s + j), m));
        _mm512_storeu_ps(s + j, e);
        sum = _mm512_add_ps(sum, e);
    }
    if (jtail) {
        __m512 e = _mm512_maskz_mov_ps(jtail, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(jtail, s + jfull), m)));
        _mm512_mask_storeu_ps(s + jfull, jtail, e);
        sum = _mm512_add_ps(sum, e);
    }
    return hsum512(sum);
}

/* Causal softmax over the rows of a prompt's score block: row i (of `rows`, `total` floats each) is normalised over
   its first past + i + 1 entries and zeroed after them. */
AVX512 static void softmax_causal_avx512(float *scores, int rows, int total, int past) {
    for (int i = 0; i < rows; i++) {
        float *row = scores + (size_t)i * total;
        int len = past + i + 1;
        __m512 inv = _mm512_set1_ps(1.0f / exp_in_place512(row, len));
        for (int j = 0; j < len; j += 16) {
            __mmask16 mk = len - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (len - j)) - 1);
            _mm512_mask_storeu_ps(row + j, mk, _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, row + j), inv));
        }
        if (len < total) memset(row + len, 0, (size_t)(total - len) * sizeof(float));
    }
}

AVX512 static void attention_avx512_heads(float *out, const float *q, const float *k, const float *v, int len, int C, int NH,
                                    int stride, float *scores) {
    int hs = C / NH;
    float scale = 1.0f / sqrtf((float)hs);
    int dfull = hs / 16 * 16;
    __mmask16 dtail = (__mmask16)((1u << (hs - dfull)) - 1);
    for (int h = 0; h < NH; h++) {
        const float *qh = q + h * hs;
        for (int j = 0; j < len; j++) {
            const float *kj = k + (size_t)j * stride + h * hs;
            __m512 acc = _mm512_setzero_ps();
            for (int d = 0; d < dfull; d += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(qh + d), _mm512_loadu_ps(kj + d), acc);
            if (dtail) acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(dtail, qh + dfull), _mm512_maskz_loadu_ps(dtail, kj + dfull), acc);
            scores[j] = hsum512(acc) * scale;
        }
        __m512 inv = _mm512_set1_ps(1.0f / exp_in_place512(scores, len));
        float *oh = out + h * hs;
        for (int d = 0; d < hs; d += 16) {
            __mmask16 mk = d < dfull ? (__mmask16)0xFFFF : dtail;
            __m512 o = _mm512_setzero_ps();
            for (int j = 0; j < len; j++)
                o = _mm512_fmadd_ps(_mm512_set1_ps(scores[j]), _mm512_maskz_loadu_ps(mk, v + (size_t)j * stride + h * hs + d), o);
            _mm512_mask_storeu_ps(oh + d, mk, _mm512_mul_ps(o, inv));
        }
    }
}

/* Head size a multiple of 16 (all real models): one pass over each cache row for all heads at once, so the
   cache streams sequentially; the outputs accumulate in registers, 8 chunks of 16 at a time. */
/* 16 cache elements from element idx: fp32, or bf16 widened exactly (a 16-bit shift). */
AVX512 INLINE __m512 load_kv16(const void *p, size_t idx, int bf16) {
    if (!bf16) return _mm512_loadu_ps((const float *)p + idx);
    __m256i h = _mm256_loadu_si256((const __m256i *)((const uint16_t *)p + idx));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

AVX512 INLINE void attention_avx512_rows_kv(float *out, const float *q, const void *k, const void *v, int len, int C,
                                            int NH, int stride, float *scores, int bf16) {
    int hs = C / NH, chunks = C / 16, per = hs / 16;
    float scale = 1.0f / sqrtf((float)hs);
    /* scores: [NH][len] */
    for (int j = 0; j < len; j++) {
        size_t kj = (size_t)j * stride;
        for (int h = 0; h < NH; h++) {
            __m512 acc = _mm512_setzero_ps();
            for (int c = h * per; c < (h + 1) * per; c++) acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + 16 * c), load_kv16(k, kj + 16 * c, bf16), acc);
            scores[(size_t)h * len + j] = hsum512(acc) * scale;
        }
    }
    for (int h = 0; h < NH; h++) {
        float *sh = scores + (size_t)h * len;
        float inv = 1.0f / exp_in_place512(sh, len);
        for (int j = 0; j < len; j++) sh[j] *= inv;
    }
    /* The weighted sum of the values: one pass over the rows for 24 chunks at a time (C = 384: all of them), so each
       cache row is read once, sequentially, instead of once per 8-chunk group in strided passes (measured at 16
       sequences × 6 layers × 132 rows with the cache out of L2: 40% less time). Each output element is the same
       fused multiply-add chain over the rows in order whatever the grouping, so the bits do not depend on it. */
    int c0 = 0;
    for (; c0 + 24 <= chunks; c0 += 24) {
        __m512 o[24];
        const float *pr[24];
        for (int c = 0; c < 24; c++) { o[c] = _mm512_setzero_ps(); pr[c] = scores + (size_t)((c0 + c) / per) * len; }
        for (int j = 0; j < len; j++) {
            size_t vj = (size_t)j * stride + 16 * c0;
            for (int c = 0; c < 24; c++) o[c] = _mm512_fmadd_ps(_mm512_set1_ps(pr[c][j]), load_kv16(v, vj + 16 * c, bf16), o[c]);
        }
        for (int c = 0; c < 24; c++) _mm512_storeu_ps(out + 16 * (c0 + c), o[c]);
    }
    for (; c0 < chunks; c0 += 8) {
        int n = chunks - c0 < 8 ? chunks - c0 : 8;
        __m512 o[8];
        const float *pr[8];
        for (int c = 0; c < 8; c++) { o[c] = _mm512_setzero_ps(); pr[c] = scores + (size_t)((c0 + (c < n ? c : 0)) / per) * len; }
        if (n == 8) {
            for (int j = 0; j < len; j++) {
                size_t vj = (size_t)j * stride + 16 * c0;
                for (int c = 0; c < 8; c++) o[c] = _mm512_fmadd_ps(_mm512_set1_ps(pr[c][j]), load_kv16(v, vj + 16 * c, bf16), o[c]);
            }
        } else {
            for (int j = 0; j < len; j++) {
                size_t vj = (size_t)j * stride + 16 * c0;
                for (int c = 0; c < n; c++) o[c] = _mm512_fmadd_ps(_mm512_set1_ps(pr[c][j]), load_kv16(v, vj + 16 * c, bf16), o[c]);
            }
        }
        for (int c = 0; c < n; c++) _mm512_storeu_ps(out + 16 * (c0 + c), o[c]);
    }
}

AVX512 static void attention_avx512_rows(float *out, const float *q, const float *k, const float *v, int len, int C,
                                         int NH, int stride, float *scores) {
    attention_avx512_rows_kv(out, q, k, v, len, C, NH, stride, scores, 0);
}

AVX512 static void attention_avx512_rows_bf16(float *out, const float *q, const uint16_t *k, const uint16_t *v, int len,
                                              int C, int NH, int stride, float *scores) {
    attention_avx512_rows_kv(out, q, k, v, len, C, NH, stride, scores, 1);
}

AVX512 static void attention_avx512(float *out, const float *q, const float *k, const float *v, int len, int C, int NH,
                                    int stride, float *scores) {
    if ((C / NH) % 16 == 0) attention_avx512_rows(out, q, k, v, len, C, NH, stride, scores);
    else attention_avx512_heads(out, q, k, v, len, C, NH, stride, scores);
}

/* tanh(√(2/π)(v + 0.044715v³)), the GELU's inner term: 1 − 2/(e^{2u} + 1); near 0 the cancellation costs ~1e-7
   absolute, invisible in 1 + tanh. */
AVX512 INLINE __m512 gelu_tanh512(__m512 v) {
    const __m512 s = _mm512_set1_ps(0.7978845608f), c = _mm512_set1_ps(0.044715f);
    const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
    __m512 u = _mm512_mul_ps(s, _mm512_fmadd_ps(_mm512_mul_ps(c, v), _mm512_mul_ps(v, v), v));
    __m512 e = exp512(_mm512_add_ps(u, u));
    return _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(e, one)));
}

AVX512 static void gelu_avx512(float *x, long count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mk = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(mk, x + i);
        _mm512_mask_storeu_ps(x + i, mk, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, gelu_tanh512(v))));
    }
}

/* Training GELU: forward also stores tanh for the backward; backward from the stored tanh. 16 lanes, the tail
   masked; the same formula as the Swift loops (`Kernels.geluForward/geluBackward`), which this replaces on AVX-512
   CPUs because the package is built for baseline x86-64 and the Swift loop only runs 4 lanes wide (SSE), its
   division the bottleneck (7.3% of a shakespeare-char training step's CPU). */
AVX512 static void gelu_forward_avx512(float *out, const float *inp, float *tanh_out, long count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mk = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(mk, inp + i), t = gelu_tanh512(v);
        _mm512_mask_storeu_ps(tanh_out + i, mk, t);
        _mm512_mask_storeu_ps(out + i, mk, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, t)));
    }
}

AVX512 static void gelu_backward_avx512(float *dinp, const float *inp, const float *tanh_in, const float *dout, long count) {
    const __m512 s = _mm512_set1_ps(0.7978845608f), c3 = _mm512_set1_ps(3.0f * 0.044715f), half = _mm512_set1_ps(0.5f);
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mk = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 x = _mm512_maskz_loadu_ps(mk, inp + i), t = _mm512_maskz_loadu_ps(mk, tanh_in + i);
        __m512 g = _mm512_maskz_loadu_ps(mk, dout + i);
        __m512 x2 = _mm512_mul_ps(x, x);
        /* 0.5·(1 + t) + 0.5·x·(1 − t²)·s·(1 + 3·0.044715·x²) */
        __m512 a = _mm512_mul_ps(half, _mm512_add_ps(one, t));
        __m512 b = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(half, x), _mm512_fnmadd_ps(t, t, one)),
                                 _mm512_mul_ps(s, _mm512_fmadd_ps(c3, x2, one)));
        _mm512_mask_storeu_ps(dinp + i, mk, _mm512_mul_ps(g, _mm512_add_ps(a, b)));
    }
}

/* AdamW over one chunk, 16 lanes: the same operations in the same order as `AdamW.update`'s Swift loop, with no
   fused multiply-add (the Swift loop, built for baseline x86-64, has none), and IEEE sqrt and division: the result
   is bit-identical to it. */
AVX512 static void adamw_avx512(float *p, const float *g, float *m, float *v, long count, float decay, float b1,
                                float b2, float step_size, float bc2_sqrt, float eps) {
    const __m512 vdecay = _mm512_set1_ps(decay), one_b1 = _mm512_set1_ps(1 - b1), vb2 = _mm512_set1_ps(b2);
    const __m512 one_b2 = _mm512_set1_ps(1 - b2), vstep = _mm512_set1_ps(step_size), vbc2 = _mm512_set1_ps(bc2_sqrt);
    const __m512 veps = _mm512_set1_ps(eps);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mk = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 gi = _mm512_maskz_loadu_ps(mk, g + i), pi = _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, p + i), vdecay);
        __m512 mo = _mm512_maskz_loadu_ps(mk, m + i), vo = _mm512_maskz_loadu_ps(mk, v + i);
        __m512 mi = _mm512_add_ps(mo, _mm512_mul_ps(_mm512_sub_ps(gi, mo), one_b1));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(vo, vb2), _mm512_mul_ps(_mm512_mul_ps(one_b2, gi), gi));
        _mm512_mask_storeu_ps(m + i, mk, mi);
        _mm512_mask_storeu_ps(v + i, mk, vi);
        __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), vbc2), veps);
        _mm512_mask_storeu_ps(p + i, mk, _mm512_sub_ps(pi, _mm512_mul_ps(vstep, _mm512_div_ps(mi, denom))));
    }
}

static int have_avx512(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return cached;
}
#else
static int have_avx512(void) { return 0; }
#endif

int ck_decode_uses_avx512(void) { return have_avx512(); }

void ck_linear_rows(float *out, const float *inp, const float *w, const float *bias, int rows, int C, int OC) {
    if (rows <= 0 || OC <= 0) return;
#if defined(__x86_64__)
    if (have_avx512()) { linear_avx512(out, inp, w, bias, rows, C, OC); return; }
#endif
    linear_portable(out, inp, w, bias, rows, C, OC);
}

void ck_decode_attention(float *out, const float *q, const float *k, const float *v, int len, int C, int NH,
                         int stride, float *scores) {
#if defined(__x86_64__)
    if (have_avx512()) { attention_avx512(out, q, k, v, len, C, NH, stride, scores); return; }
#endif
    attention_portable(out, q, k, v, len, C, NH, stride, scores);
}

void ck_decode_attention_bf16(float *out, const float *q, const uint16_t *k, const uint16_t *v, int len, int C, int NH,
                              int stride, float *scores) {
#if defined(__x86_64__)
    if (have_avx512() && (C / NH) % 16 == 0) { attention_avx512_rows_bf16(out, q, k, v, len, C, NH, stride, scores); return; }
    if (have_avx512()) {
        /* Head sizes that are not a multiple of 16 (test models): widen the rows and use the fp32 kernel, so the
           result equals ck_decode_attention on the widened cache bit for bit here too. */
        for (int j = 0; j < len; j++) {
            float *kr = scores + (size_t)NH * len + (size_t)j * C, *vr = kr + (size_t)len * C;
            for (int d = 0; d < C; d++) { kr[d] = kv_at(k, (size_t)j * stride + d, 1); vr[d] = kv_at(v, (size_t)j * stride + d, 1); }
        }
        float *kw = scores + (size_t)NH * len;
        attention_avx512(out, q, kw, kw + (size_t)len * C, len, C, NH, C, scores);
        return;
    }
#endif
    attention_portable_kv(out, q, k, v, len, C, NH, stride, scores, 1);
}

int ck_softmax_causal_rows(float *scores, int rows, int total, int past) {
#if defined(__x86_64__)
    if (have_avx512()) { softmax_causal_avx512(scores, rows, total, past); return 1; }
#endif
    return 0;
}

void ck_gelu(float *x, long count) {
#if defined(__x86_64__)
    if (have_avx512()) { gelu_avx512(x, count); return; }
#endif
    gelu_portable(x, count);
}

int ck_gelu_forward_train(float *out, const float *inp, float *tanh_out, long count) {
#if defined(__x86_64__)
    if (have_avx512()) { gelu_forward_avx512(out, inp, tanh_out, count); return 1; }
#endif
    (void)out; (void)inp; (void)tanh_out; (void)count;
    return 0;
}

int ck_gelu_backward_train(float *dinp, const float *inp, const float *tanh_in, const float *dout, long count) {
#if defined(__x86_64__)
    if (have_avx512()) { gelu_backward_avx512(dinp, inp, tanh_in, dout, count); return 1; }
#endif
    (void)dinp; (void)inp; (void)tanh_in; (void)dout; (void)count;
    return 0;
}

int ck_adamw_update(float *p, const float *g, float *m, float *v, long count, float decay, float b1, float b2,
                    float step_size, float bc2_sqrt, float eps) {
#if defined(__x86_64__)
    if (have_avx512()) { adamw_avx512(p, g, m, v, count, decay, b1, b2, step_size, bc2_sqrt, eps); return 1; }
#endif
    (void)p; (void)g; (void)m; (void)v; (void)count; (void)decay; (void)b1; (void)b2; (void)step_size; (void)bc2_sqrt; (void)eps;
    return 0;
}
