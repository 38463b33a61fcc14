extension Kernels {
    package static let layerNormEps: Float = 1e-5

    /// out = (x − mean)/sqrt(var + 1e-5)·w + b per row (biased variance, as PyTorch). Saves mean and 1/std.
    package static func layerNormForward(out: FP, mean: FP, rstd: FP, inp: CFP, weight: CFP, bias: CFP, N: Int, C: Int) {
        let invC = 1 / Float(C)
        // Eight rows at a time, one SIMD lane per row: each row's sums are still one chain of additions over its
        // elements in order (the same bits as the loop below), but eight chains advance together instead of one
        // waiting on each addition's latency (the statistics were 3% of a serving prompt's time, row by row).
        var n0 = 0
        while n0 + 8 <= N {
            let x = inp + n0 * C
            var s = SIMD8<Float>()
            for i in 0..<C { s += Self.column8(x, i, C) }
            let m = s * invC
            var v = SIMD8<Float>()
            for i in 0..<C { let d = Self.column8(x, i, C) - m; v += d * d }
            let r = 1 / (v * invC + layerNormEps).squareRoot()
            for k in 0..<8 {
                let xk = x + k * C, o = out + (n0 + k) * C, mk = m[k], rk = r[k]
                for i in 0..<C { o[i] = (xk[i] - mk) * rk * weight[i] + bias[i] }
                mean[n0 + k] = mk
                rstd[n0 + k] = rk
            }
            n0 += 8
        }
        for n in n0..<N {
            let x = inp + n * C
            var s: Float = 0
            for i in 0..<C { s += x[i] }
            let m = s * invC
            var v: Float = 0
            for i in 0..<C { let d = x[i] - m; v += d * d }
            let r = 1 / (v * invC + layerNormEps).squareRoot()
            let o = out + n * C
            for i in 0..<C { o[i] = (x[i] - m) * r * weight[i] + bias[i] }
            mean[n] = m
            rstd[n] = r
        }
    }

    /// Element i of eight consecutive rows of width C.
    @inline(__always) static func column8(_ x: CFP, _ i: Int, _ C: Int) -> SIMD8<Float> {
        SIMD8(x[i], x[C + i], x[2 * C + i], x[3 * C + i], x[4 * C + i], x[5 * C + i], x[6 * C + i], x[7 * C + i])
    }

    /// dinp += ∂L/∂x; dweight, dbias += their gradients. (dinp accumulates: it is the residual stream's gradient.)
    package static func layerNormBackward(dinp: FP, dweight: FP, dbias: FP, dout: CFP, inp: CFP, weight: CFP,
                                          mean: CFP, rstd: CFP, N: Int, C: Int) {
        let invC = 1 / Float(C)
        for n in 0..<N {
            let x = inp + n * C, d = dout + n * C, dx = dinp + n * C
            let m = mean[n], r = rstd[n]
            var sumD: Float = 0, sumDN: Float = 0
            for i in 0..<C {
                let norm = (x[i] - m) * r
                let dn = weight[i] * d[i]
                sumD += dn
                sumDN += dn * norm
            }
            sumD *= invC
            sumDN *= invC
            for i in 0..<C {
                let norm = (x[i] - m) * r
                let dn = weight[i] * d[i]
                dbias[i] += d[i]
                dweight[i] += norm * d[i]
                dx[i] += r * (dn - sumD - norm * sumDN)
            }
        }
    }
}
