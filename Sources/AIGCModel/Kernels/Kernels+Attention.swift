extension Kernels {
    /// Row-wise masked softmax of `s` (length T) in place, keeping j ≤ i and, with segment ids, only keys of
    /// the query's segment; masked entries become exactly 0. The query always sees itself, so no row is empty.
    @inline(__always)
    static func maskedSoftmaxRow(_ s: FP, i: Int, T: Int, segments: UnsafePointer<Int32>?) {
        var mx = -Float.infinity
        if let segments {
            let si = segments[i]
            for j in 0...i where segments[j] == si { mx = max(mx, s[j]) }
            var sum: Float = 0
            for j in 0...i {
                if segments[j] == si { let e = FastMath.exp(s[j] - mx); s[j] = e; sum += e } else { s[j] = 0 }
            }
            let inv = 1 / sum
            for j in 0...i { s[j] *= inv }
        } else {
            for j in 0...i { mx = max(mx, s[j]) }
            let n = i + 1
            for j in 0..<n { s[j] = FastMath.exp(s[j] - mx) }
            var sum: Float = 0
            for j in 0..<n { sum += s[j] }
            let inv = 1 / sum
            for j in 0..<n { s[j] *= inv }
        }
        for j in (i + 1)..<max(i + 1, T) { s[j] = 0 }
    }

    /// Causal multi-head attention over a fused qkv buffer `[B·T, 3C]` (q | k | v, heads contiguous within each).
    /// Writes the softmax probabilities to `att` `[B, NH, T, T]` (masked entries 0) and the head outputs to
    /// `out` `[B·T, C]`. With `segments` (`[B·T]`), attention is block-diagonal: packed conversations never see
    /// each other. With `dropMask` (`[B, NH, T, T]` of 0 or 1/(1−p)), `attDropped` receives probs × mask and is
    /// what multiplies V.
    package static func attentionForward(out: FP, att: FP, qkv: CFP, segments: UnsafePointer<Int32>?,
                                         dropMask: CFP?, attDropped: FP?, B: Int, T: Int, C: Int, NH: Int,
                                         profile: BLASProfile?) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        // Head outputs accumulate (beta = 1) into a zeroed buffer: one contiguous memset is much cheaper than
        // OpenBLAS zeroing each strided T×hs tile itself (beta = 0).
        out.update(repeating: 0, count: B * T * C)
        for b in 0..<B {
            let seg = segments.map { $0 + b * T }
            for h in 0..<NH {
                let q = qkv + b * T * 3 * C + h * hs
                let k = q + C, v = q + 2 * C
                let a = att + (b * NH + h) * T * T
                BLAS.sgemm(transA: false, transB: true, m: T, n: T, k: hs, alpha: scale, a: q, lda: 3 * C, b: k,
                           ldb: 3 * C, beta: 0, c: a, ldc: T, profile: profile)
                for i in 0..<T { maskedSoftmaxRow(a + i * T, i: i, T: T, segments: seg) }
                var p = CFP(a)
                if let dropMask, let attDropped {
                    let m = dropMask + (b * NH + h) * T * T, d = attDropped + (b * NH + h) * T * T
                    for i in 0..<(T * T) { d[i] = a[i] * m[i] }
                    p = CFP(d)
                }
                BLAS.sgemm(transA: false, transB: false, m: T, n: hs, k: T, alpha: 1, a: p, lda: T, b: v, ldb: 3 * C,
                           beta: 1, c: out + b * T * C + h * hs, ldc: C, profile: profile)
            }
        }
    }

    /// Gradients of `attentionForward`: writes dqkv `[B·T, 3C]` from dout `[B·T, C]`. `scratch` holds T·T floats.
    package static func attentionBackward(dqkv: FP, dout: CFP, qkv: CFP, att: CFP, dropMask: CFP?, attDropped: CFP?,
                                          scratch: FP, B: Int, T: Int, C: Int, NH: Int, profile: BLASProfile?) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let dp = scratch
        dqkv.update(repeating: 0, count: B * T * 3 * C)  // see attentionForward: beta = 1 on a zeroed buffer
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * T * 3 * C + h * hs
                let k = q + C, v = q + 2 * C
                let dq = dqkv + b * T * 3 * C + h * hs
                let dk = dq + C, dv = dq + 2 * C
                let dy = dout + b * T * C + h * hs
                let p = att + (b * NH + h) * T * T
                let pUsed = attDropped.map { $0 + (b * NH + h) * T * T } ?? p
                // dP = dY·Vᵀ ; dV = Pᵀ·dY
                BLAS.sgemm(transA: false, transB: true, m: T, n: T, k: hs, alpha: 1, a: dy, lda: C, b: v, ldb: 3 * C,
                           beta: 0, c: dp, ldc: T, profile: profile)
                BLAS.sgemm(transA: true, transB: false, m: T, n: hs, k: T, alpha: 1, a: pUsed, lda: T, b: dy, ldb: C,
                           beta: 1, c: dv, ldc: 3 * C, profile: profile)
                if let dropMask {
                    let m = dropMask + (b * NH + h) * T * T
                    for i in 0..<(T * T) { dp[i] *= m[i] }
                }
                // Softmax backward: dS = P ⊙ (dP − Σ_j P·dP). Masked entries have P = 0, so dS = 0 there.
                for i in 0..<T {
                    let pr = p + i * T, dr = dp + i * T
                    var dot: Float = 0
                    for j in 0...i { dot += pr[j] * dr[j] }
                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                    for j in (i + 1)..<max(i + 1, T) { dr[j] = 0 }
                }
                // dQ = scale·dS·K ; dK = scale·dSᵀ·Q
                BLAS.sgemm(transA: false, transB: false, m: T, n: hs, k: T, alpha: scale, a: dp, lda: T, b: k, ldb: 3 * C,
                           beta: 1, c: dq, ldc: 3 * C, profile: profile)
                BLAS.sgemm(transA: true, transB: false, m: T, n: hs, k: T, alpha: scale, a: dp, lda: T, b: q, ldb: 3 * C,
                           beta: 1, c: dk, ldc: 3 * C, profile: profile)
            }
        }
    }
}
