#ifndef CKERNELS_BF16_H
#define CKERNELS_BF16_H

#include <stddef.h>
#include <stdint.h>

/// Linear layers with bfloat16 weights and activations and fp32 accumulation (serving's `--weights bf16`).
///
/// Arithmetic, exactly (every implementation, every CPU): the input row is rounded to bf16 (round to nearest even;
/// fp32 subnormals become signed zero; NaN stays NaN), so is the weight matrix (once, when packed); then each output
/// element starts from +0 and, for each pair of inputs (2p, 2p+1) in order, adds x[2p+1]·w[2p+1] and then
/// x[2p]·w[2p], each a fused multiply-add rounded to fp32 with a subnormal result flushed to signed zero (the
/// definition of the AVX512-BF16 instruction VDPBF16PS; the products of two bf16 values are exact in fp32); the
/// bias, if any, is added last. An odd input width is padded with a zero. So every output element is the same
/// instruction sequence whatever the number of rows and the row's position: batch-invariant by construction, and
/// the portable loops (CPUs without AVX512-BF16) give bit-identical results, only slower.
///
/// Packed weight layout: output columns in blocks of 16, the column count padded with zero columns to a multiple
/// of 96 (`ck_bf16_padded_outputs`); block b holds, for each input pair p, the 32 values
/// w[16b+c][2p], w[16b+c][2p+1] for c = 0..15 (64 bytes: one VDPBF16PS operand), pairs in order.

/// Output columns after padding (a multiple of 96).
int ck_bf16_padded_outputs(int OC);
/// Input width after padding (a multiple of 2).
int ck_bf16_padded_inputs(int C);
/// uint16 elements of a packed [OC, C] matrix.
size_t ck_bf16_packed_count(int C, int OC);
/// Rounds w `[OC, C]` (row-major, `torch.nn.Linear` layout) to bf16 into the packed layout (`ck_bf16_packed_count`
/// elements; padding written as zero).
void ck_bf16_pack(uint16_t *packed, const float *w, int C, int OC);
/// uint16 elements of the activation scratch a call with `rows` rows of width C needs.
size_t ck_bf16_scratch_count(int rows, int C);
/// out[r·OC + o] = bias[o] + Σ x[r]·w[o] for r < rows, o < OC, with the arithmetic above (bias may be NULL).
/// `scratch` holds `ck_bf16_scratch_count(rows, C)` elements (the rows rounded to bf16).
void ck_linear_bf16(float *out, const float *inp, const uint16_t *packed, const float *bias, int rows, int C, int OC,
                    uint16_t *scratch);
/// `ck_linear_bf16` through the portable loops whatever the CPU (tests: the two implementations agree bit for bit).
void ck_linear_bf16_portable(float *out, const float *inp, const uint16_t *packed, const float *bias, int rows, int C,
                             int OC, uint16_t *scratch);
/// fp32 → bf16 with the rounding above (for references and tests).
uint16_t ck_bf16_round(float x);
/// dst[i] = bf16(src[i]) for i < n (the rounding above).
void ck_bf16_round_n(uint16_t *dst, const float *src, long n);
/// dst[i] = src[i] widened to fp32 (exact).
void ck_bf16_widen_n(float *dst, const uint16_t *src, long n);
/// 1 when the AVX512-BF16 implementation is in use, 0 for the portable loops.
int ck_bf16_uses_avx512bf16(void);

#endif
