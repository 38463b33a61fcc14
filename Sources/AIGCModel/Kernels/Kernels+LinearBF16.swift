import CKernels

extension Kernels {
    /// out[rows, OC] = inp[rows, C] · Wᵀ + bias with bf16 weights (`weight`, packed once) and the input rows rounded
    /// to bf16, fp32 accumulation: every output element is the same sequence of VDPBF16PS steps over the input pairs
    /// in order (AVX512-BF16), or the portable loops that compute the same bits, whatever the number of rows and the
    /// row's position, so it is batch-invariant by construction and serves both the prompt and the decode rows.
    /// `scratch` holds `BF16Matrix.scratchCount(rows:C:)` elements. The exact arithmetic: `ckernels_bf16.h`;
    /// reference: `NaiveKernels.matmulBF16`.
    package static func linearBF16(out: FP, inp: CFP, weight: BF16Matrix, bias: CFP?, rows: Int,
                                   scratch: UnsafeMutablePointer<UInt16>) {
        ck_linear_bf16(out, inp, weight.storage, bias, Int32(rows), Int32(weight.C), Int32(weight.OC), scratch)
    }

    /// `linearBF16` through the portable loops whatever the CPU (tests: both implementations give the same bits).
    package static func linearBF16Portable(out: FP, inp: CFP, weight: BF16Matrix, bias: CFP?, rows: Int,
                                           scratch: UnsafeMutablePointer<UInt16>) {
        ck_linear_bf16_portable(out, inp, weight.storage, bias, Int32(rows), Int32(weight.C), Int32(weight.OC), scratch)
    }

    /// dst[i] = bf16(src[i]) (`linearBF16`'s rounding), for the bf16 KV cache.
    package static func roundBF16(_ dst: UnsafeMutablePointer<UInt16>, from src: CFP, count: Int) {
        ck_bf16_round_n(dst, src, count)
    }

    /// dst[i] = src[i] widened to fp32 (exact).
    package static func widenBF16(_ dst: FP, from src: UnsafePointer<UInt16>, count: Int) {
        ck_bf16_widen_n(dst, src, count)
    }

    /// Whether `linearBF16` runs AVX512-BF16 instructions on this machine (else the portable loops: same results,
    /// several times slower).
    package static var bf16UsesAVX512BF16: Bool { ck_bf16_uses_avx512bf16() != 0 }
}
