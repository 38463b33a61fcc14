#ifndef CKERNELS_DECODE_H
#define CKERNELS_DECODE_H

#include <stdint.h>

/// Kernels of a decode step (a few rows, one new token per sequence), where a BLAS sgemm spends most of its
/// time packing the weight matrix for a product that reads each weight only a handful of times.
///
/// Batch invariance by construction: every output element is computed by the same instruction sequence
/// whatever the number of rows and whatever the row's position among them (a 16-lane fused multiply-add
/// accumulation over the input in a fixed order, then a fixed reduction tree), so a row's result never
/// depends on which other rows share the call. The implementation is chosen once per process from the CPU
/// (AVX-512 when present, portable loops otherwise); on one machine it never changes.

/// out[r·OC + o] = bias[o] + Σ_k inp[r·C + k] · w[o·C + k] for r < rows, o < OC (bias may be NULL: 0).
/// w is `[OC, C]` row-major like `torch.nn.Linear`; each weight row is read once per call against all rows.
void ck_linear_rows(float *out, const float *inp, const float *w, const float *bias, int rows, int C, int OC);

/// Causal attention of one new token against its sequence's cache: q `[C]` (NH heads of C/NH), k and v the
/// cache rows `[len, C]` with row stride `stride` floats; writes out `[C]`. `scores` holds `NH · len` floats.
void ck_decode_attention(float *out, const float *q, const float *k, const float *v, int len, int C, int NH,
                         int stride, float *scores);

/// The same with a bf16 cache (`k`, `v` hold bf16 values; each is widened to fp32 exactly): the result equals
/// `ck_decode_attention` on the widened cache bit for bit. `scores` holds `NH · len + 2 · len · C` floats (the
/// widened rows, for head sizes that are not a multiple of 16).
void ck_decode_attention_bf16(float *out, const float *q, const uint16_t *k, const uint16_t *v, int len, int C, int NH,
                              int stride, float *scores);

/// Causal softmax of a prompt's attention scores in place, on AVX-512 CPUs: row i of `rows` (`total` floats each)
/// becomes softmax over its first `past + i + 1` entries (the exponential of `ck_decode_attention`, 16 lanes) and
/// zeros after them. Returns 0 without running on other CPUs (the caller then runs its portable loop).
int ck_softmax_causal_rows(float *scores, int rows, int total, int past);

/// GELU, tanh approximation, in place over `count` floats (same formula as the training kernel).
void ck_gelu(float *x, long count);

/// Training GELU on AVX-512 CPUs: forward writes `out` and the tanh (`tanh_out`) for the backward; backward writes
/// `dinp = dout · gelu'(inp)` from the stored tanh. Safe in place (out == inp, dinp == dout). Return 1 when they ran,
/// 0 on CPUs without AVX-512 (the caller then runs its portable loop).
int ck_gelu_forward_train(float *out, const float *inp, float *tanh_out, long count);
int ck_gelu_backward_train(float *dinp, const float *inp, const float *tanh_in, const float *dout, long count);

/// AdamW over `count` elements on AVX-512 CPUs (`p` scaled by `decay` first; torch's update otherwise), bit-identical
/// to `AdamW.update`'s Swift loop. Returns 0 without running on other CPUs.
int ck_adamw_update(float *p, const float *g, float *m, float *v, long count, float decay, float b1, float b2,
                    float step_size, float bc2_sqrt, float eps);

/// 1 when the AVX-512 implementations are in use (for benchmarks and docs).
int ck_decode_uses_avx512(void);

#endif
