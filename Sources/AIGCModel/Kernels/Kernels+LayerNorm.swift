extension Kernels {
    package static let layerNormEps: Float = 1e-5

    /// out = (x − mean)/sqrt(var + 1e-5)·w + b per row (biased variance, as PyTorch). Saves mean and 1/std.
    package static func layerNormForward(out: FP, mean: FP, rstd: FP, inp: CFP, weight: CFP, bias: CFP, N: Int, C: Int) {
        let invC = 1 / Float(C)
        for n in 0..<N {
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
