extension Kernels {
    /// Attention of one new token against its sequence's KV cache (decoding): `q` is the token's query `[C]`
    /// (row of qkv), `k`/`v` the cache rows `[len, C]` with stride C (the token's own k and v already at row
    /// len − 1). Writes `out` `[C]`; `scores` holds `len` floats.
    ///
    /// `cachedAttentionForward` does the same with two BLAS calls per head; for a single query row those are
    /// gemv-sized calls whose dispatch (and, with OpenBLAS threads, thread hand-off) costs more than the
    /// arithmetic — a decode step of 16 sequences made over a thousand of them. Here it is plain SIMD loops, per
    /// sequence, so it is also independent of the batch.
    package static func decodeAttention(out: FP, q: CFP, k: CFP, v: CFP, len: Int, C: Int, NH: Int, scores: FP) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let vec = hs / 8 * 8
        for h in 0..<NH {
            let qh = q + h * hs
            var mx = -Float.infinity
            for j in 0..<len {
                let kj = k + j * C + h * hs
                var acc = SIMD8<Float>()
                var d = 0
                while d < vec {
                    acc += UnsafeRawPointer(qh + d).loadUnaligned(as: SIMD8<Float>.self)
                        * UnsafeRawPointer(kj + d).loadUnaligned(as: SIMD8<Float>.self)
                    d += 8
                }
                var s = acc.sum()
                while d < hs { s += qh[d] * kj[d]; d += 1 }
                s *= scale
                scores[j] = s
                mx = max(mx, s)
            }
            var sum: Float = 0
            for j in 0..<len {
                let e = FastMath.exp(scores[j] - mx)
                scores[j] = e
                sum += e
            }
            let inv = 1 / sum
            let oh = out + h * hs
            oh.update(repeating: 0, count: hs)
            for j in 0..<len {
                let p = scores[j] * inv
                let pv = SIMD8<Float>(repeating: p)
                let vj = v + j * C + h * hs
                var d = 0
                while d < vec {
                    let o = UnsafeRawPointer(oh + d).loadUnaligned(as: SIMD8<Float>.self)
                        + pv * UnsafeRawPointer(vj + d).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(oh + d).storeBytes(of: o, as: SIMD8<Float>.self)
                    d += 8
                }
                while d < hs { oh[d] += p * vj[d]; d += 1 }
            }
        }
    }
}
