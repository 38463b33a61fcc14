import CKernels

extension Kernels {
    /// out[rows, OC] = inp[rows, C] · W[OC, C]ᵀ + bias for the few rows of a decode step, without BLAS.
    ///
    /// An sgemm call packs (copies) the weight matrix into its blocked layout on every call; with 1–16 rows that
    /// copy costs more than the product. This kernel streams each weight row once against all rows instead.
    /// It is batch-invariant by construction: every output element is the same fixed-order SIMD dot product
    /// (16 lanes of fused multiply-adds over the input, then a fixed reduction tree) whatever the number of rows
    /// and the row's position, so a sequence's logits do not depend on the other sequences of the step.
    /// Reference: `NaiveKernels.matmulForward` (tests).
    package static func decodeMatmul(out: FP, inp: CFP, weight: CFP, bias: CFP?, rows: Int, C: Int, OC: Int) {
        ck_linear_rows(out, inp, weight, bias, Int32(rows), Int32(C), Int32(OC))
    }

    /// GELU (tanh approximation) in place, vectorised for inference; `geluForward` is the training kernel with
    /// the same formula (the two agree to ~1e-6). Reference: `NaiveKernels.gelu`.
    package static func geluInPlace(_ x: FP, count: Int) {
        ck_gelu(x, count)
    }

    /// Whether the decode kernels run their AVX-512 code on this machine (else portable loops).
    package static var decodeKernelsUseAVX512: Bool { ck_decode_uses_avx512() != 0 }
}
