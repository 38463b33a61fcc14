import CKernels

extension Kernels {
    /// Attention of `tNew` new tokens per sequence against a KV cache, for incremental decoding. `qkv` is
    /// `[S·tNew, 3C]` for the new tokens (their k and v already copied into the cache at positions
    /// `past ..< past + tNew`); `kCache`/`vCache` are `[S, maxT, C]`. New token i of a sequence attends to cache
    /// positions 0 ... past + i. Writes `out` `[S·tNew, C]`. `scratch` holds tNew·(past + tNew) floats.
    package static func cachedAttentionForward(out: FP, qkv: CFP, kCache: CFP, vCache: CFP, scratch: FP, S: Int, tNew: Int,
                                               past: Int, maxT: Int, C: Int, NH: Int, profile: BLASProfile?) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let total = past + tNew
        for s in 0..<S {
            for h in 0..<NH {
                let q = qkv + s * tNew * 3 * C + h * hs
                let k = kCache + s * maxT * C + h * hs, v = vCache + s * maxT * C + h * hs
                BLAS.sgemm(transA: false, transB: true, m: tNew, n: total, k: hs, alpha: scale, a: q, lda: 3 * C, b: k,
                           ldb: C, beta: 0, c: scratch, ldc: total, profile: profile)
                // The softmax rows in 16-lane AVX-512 code where the CPU has it: the Swift loops below stay scalar
                // in this baseline x86-64 build (they were 4–5% of a bf16 server's CPU at concurrency 16).
                if ck_softmax_causal_rows(scratch, Int32(tNew), Int32(total), Int32(past)) == 0 {
                    for i in 0..<tNew {
                        let row = scratch + i * total
                        let last = past + i
                        var mx = -Float.infinity
                        for j in 0...last { mx = max(mx, row[j]) }
                        // The exponentials in a loop of their own (with the running sum inside it ran one element
                        // at a time even where SSE could do four); then the sum, in order.
                        for j in 0...last { row[j] = FastMath.exp(row[j] - mx) }
                        var sum: Float = 0
                        for j in 0...last { sum += row[j] }
                        let inv = 1 / sum
                        for j in 0...last { row[j] *= inv }
                        for j in (last + 1)..<max(last + 1, total) { row[j] = 0 }
                    }
                }
                BLAS.sgemm(transA: false, transB: false, m: tNew, n: hs, k: total, alpha: 1, a: scratch, lda: total, b: v,
                           ldb: C, beta: 0, c: out + s * tNew * C + h * hs, ldc: C, profile: profile)
            }
        }
    }
}
