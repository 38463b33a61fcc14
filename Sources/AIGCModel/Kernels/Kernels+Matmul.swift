extension Kernels {
    /// out[N, OC] = inp[N, C] · W[OC, C]ᵀ + bias (bias optional). W is `[out, in]` like `torch.nn.Linear`.
    package static func matmulForward(out: FP, inp: CFP, weight: CFP, bias: CFP?, N: Int, C: Int, OC: Int,
                                      profile: BLASProfile?) {
        // Start from the bias rows and accumulate (beta = 1): cheaper than OpenBLAS's beta = 0 pass plus a
        // separate bias pass.
        if let bias {
            for n in 0..<N { (out + n * OC).update(from: bias, count: OC) }
        }
        if N <= BLAS.gemvRows {
            // Decoding feeds one row per sequence: sgemm would pack (copy) the whole weight matrix on every call,
            // which costs more than the product itself; sgemv streams the weights once per row.
            for n in 0..<N {
                BLAS.sgemv(m: OC, n: C, a: weight, lda: C, x: inp + n * C, beta: bias == nil ? 0 : 1, y: out + n * OC, profile: profile)
            }
            return
        }
        BLAS.sgemm(transA: false, transB: true, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: C,
                   beta: bias == nil ? 0 : 1, c: out, ldc: OC, profile: profile)
    }

    /// dinp = dout·W (or += with `accumulateInput`), dweight += doutᵀ·inp, dbias += column sums of dout.
    package static func matmulBackward(dinp: FP?, dweight: FP, dbias: FP?, dout: CFP, inp: CFP, weight: CFP,
                                       N: Int, C: Int, OC: Int, accumulateInput: Bool = false, profile: BLASProfile?) {
        if let dinp {
            BLAS.sgemm(transA: false, transB: false, m: N, n: C, k: OC, alpha: 1, a: dout, lda: OC, b: weight, ldb: C,
                       beta: accumulateInput ? 1 : 0, c: dinp, ldc: C, profile: profile)
        }
        BLAS.sgemm(transA: true, transB: false, m: OC, n: C, k: N, alpha: 1, a: dout, lda: OC, b: inp, ldb: C,
                   beta: 1, c: dweight, ldc: C, profile: profile)
        if let dbias {
            for n in 0..<N {
                let d = dout + n * OC
                for j in 0..<OC { dbias[j] += d[j] }
            }
        }
    }
}
