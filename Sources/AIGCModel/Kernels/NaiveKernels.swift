import Foundation

/// Loop-only reference implementations (Double accumulation, no BLAS, no SIMD) of every kernel, for tests.
/// They take and return plain arrays and follow the textbook definitions directly.
package enum NaiveKernels {
    /// out[n, o] = Σ_c inp[n, c]·W[o, c] + b[o]
    package static func matmulForward(_ inp: [Float], _ w: [Float], _ b: [Float]?, N: Int, C: Int, OC: Int) -> [Float] {
        var out = [Float](repeating: 0, count: N * OC)
        for n in 0..<N {
            for o in 0..<OC {
                var s = Double(b?[o] ?? 0)
                for c in 0..<C { s += Double(inp[n * C + c]) * Double(w[o * C + c]) }
                out[n * OC + o] = Float(s)
            }
        }
        return out
    }

    /// fp32 → bf16 (as an fp32 value): round to nearest even, subnormals to signed zero, NaN stays NaN (the
    /// rounding of VCVTNEPS2BF16).
    package static func bf16(_ x: Float) -> Float {
        let u = x.bitPattern
        if u & 0x7F80_0000 == 0 { return Float(bitPattern: u & 0x8000_0000) }
        if u & 0x7FFF_FFFF > 0x7F80_0000 { return Float(bitPattern: (u | 0x0040_0000) & 0xFFFF_0000) }
        let r = u &+ 0x7FFF &+ ((u >> 16) & 1)
        return Float(bitPattern: r & 0xFFFF_0000)
    }

    /// `Kernels.linearBF16`'s arithmetic spelled out (`ckernels_bf16.h`): inputs and weights rounded to bf16; per
    /// output, from +0, for each input pair (2p, 2p+1) in order: fused add of x[2p+1]·w[2p+1], then of x[2p]·w[2p],
    /// each result with a subnormal flushed to signed zero; the bias added last. Bit-exact, not approximate.
    package static func matmulBF16(_ inp: [Float], _ w: [Float], _ b: [Float]?, N: Int, C: Int, OC: Int) -> [Float] {
        func flush(_ v: Float) -> Float { abs(v) < Float.leastNormalMagnitude ? Float(signOf: v, magnitudeOf: 0) : v }
        let x = inp.map(bf16), wb = w.map(bf16)
        var out = [Float](repeating: 0, count: N * OC)
        for n in 0..<N {
            for o in 0..<OC {
                var acc: Float = 0
                for p in 0..<((C + 1) / 2) {
                    let k = 2 * p
                    if k + 1 < C { acc = flush(acc.addingProduct(x[n * C + k + 1], wb[o * C + k + 1])) }
                    else { acc = flush(acc.addingProduct(0, 0)) }
                    acc = flush(acc.addingProduct(x[n * C + k], wb[o * C + k]))
                }
                out[n * OC + o] = b.map { acc + $0[o] } ?? acc
            }
        }
        return out
    }

    /// (dinp, dW, db) for dout.
    package static func matmulBackward(_ dout: [Float], _ inp: [Float], _ w: [Float], N: Int, C: Int, OC: Int) -> ([Float], [Float], [Float]) {
        var dinp = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0, count: OC * C), db = [Float](repeating: 0, count: OC)
        for n in 0..<N {
            for c in 0..<C {
                var s = 0.0
                for o in 0..<OC { s += Double(dout[n * OC + o]) * Double(w[o * C + c]) }
                dinp[n * C + c] = Float(s)
            }
        }
        for o in 0..<OC {
            for c in 0..<C {
                var s = 0.0
                for n in 0..<N { s += Double(dout[n * OC + o]) * Double(inp[n * C + c]) }
                dw[o * C + c] = Float(s)
            }
            var s = 0.0
            for n in 0..<N { s += Double(dout[n * OC + o]) }
            db[o] = Float(s)
        }
        return (dinp, dw, db)
    }

    package static func layerNormForward(_ x: [Float], _ w: [Float], _ b: [Float], N: Int, C: Int) -> [Float] {
        var out = [Float](repeating: 0, count: N * C)
        for n in 0..<N {
            let row = (0..<C).map { Double(x[n * C + $0]) }
            let m = row.reduce(0, +) / Double(C)
            let v = row.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(C)
            for c in 0..<C { out[n * C + c] = Float((row[c] - m) / (v + 1e-5).squareRoot() * Double(w[c]) + Double(b[c])) }
        }
        return out
    }

    package static func gelu(_ x: Float) -> Float {
        let d = Double(x)
        return Float(0.5 * d * (1 + tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
    }

    package static func geluGrad(_ x: Float) -> Float {
        let d = Double(x), s = (2 / Double.pi).squareRoot()
        let t = tanh(s * (d + 0.044715 * d * d * d))
        return Float(0.5 * (1 + t) + 0.5 * d * (1 - t * t) * s * (1 + 3 * 0.044715 * d * d))
    }

    /// Brute-force attention: for every (b, h, i) a softmax over the allowed keys j (j ≤ i, same segment).
    package static func attentionForward(_ qkv: [Float], segments: [Int32]?, B: Int, T: Int, C: Int, NH: Int) -> [Float] {
        let hs = C / NH
        var out = [Float](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for h in 0..<NH {
                for i in 0..<T {
                    func q(_ t: Int, _ k: Int) -> Double { Double(qkv[(b * T + t) * 3 * C + h * hs + k]) }
                    func key(_ t: Int, _ k: Int) -> Double { Double(qkv[(b * T + t) * 3 * C + C + h * hs + k]) }
                    func v(_ t: Int, _ k: Int) -> Double { Double(qkv[(b * T + t) * 3 * C + 2 * C + h * hs + k]) }
                    let allowed = (0...i).filter { segments == nil || segments![b * T + $0] == segments![b * T + i] }
                    let scores = allowed.map { j in (0..<hs).reduce(0.0) { $0 + q(i, $1) * key(j, $1) } / Double(hs).squareRoot() }
                    let mx = scores.max()!
                    let e = scores.map { exp($0 - mx) }
                    let z = e.reduce(0, +)
                    for k in 0..<hs {
                        var s = 0.0
                        for (a, j) in allowed.enumerated() { s += e[a] / z * v(j, k) }
                        out[(b * T + i) * C + h * hs + k] = Float(s)
                    }
                }
            }
        }
        return out
    }

    /// Mean cross-entropy over targets ≠ −100 (0 when none).
    package static func crossEntropy(_ logits: [Float], _ targets: [Int32], N: Int, V: Int) -> Double {
        var sum = 0.0, count = 0
        for n in 0..<N where targets[n] != -100 {
            let row = (0..<V).map { Double(logits[n * V + $0]) }
            let mx = row.max()!
            let lse = mx + log(row.reduce(0) { $0 + exp($1 - mx) })
            sum += lse - row[Int(targets[n])]
            count += 1
        }
        return count > 0 ? sum / Double(count) : 0
    }
}
