/// Fast exp and tanh for the element-wise kernels (softmax, GELU). glibc's `tanhf` costs ~15 ns, and GELU
/// alone needs millions per training step, so these use the Cephes range reduction (x = n·ln2 + r, |r| ≤ ln2/2)
/// with a degree-6 polynomial: relative error below 2e-7, far inside the golden-test tolerances.
/// They are written as plain scalar code on purpose: inside simple pointer loops LLVM vectorises them
/// (min/max, selects and bit casts all have vector forms), whereas Swift's generic SIMD mask and conversion
/// operations are not reliably specialised and ran ~10× slower.
@usableFromInline
enum FastMath {
    @inline(__always) @usableFromInline
    static func exp(_ x: Float) -> Float {
        var xc = x > 88.3 ? 88.3 : x
        xc = xc < -87.3 ? -87.3 : xc
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick: the integer lands in the low mantissa bits.
        let t = xc * 1.442_695_04 + 12_582_912
        let n = t - 12_582_912
        var r = xc - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        let e = p * (r * r) + r + 1
        let bits = (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return e * Float(bitPattern: bits)
    }

    /// tanh(x) = 1 − 2/(e^{2x} + 1) (saturates cleanly at ±1); for |x| < 0.1 the odd Taylor series to x⁹, which
    /// avoids the cancellation of the formula near 0.
    @inline(__always) @usableFromInline
    static func tanh(_ x: Float) -> Float {
        let e = exp(x + x)
        let t = 1 - 2 / (e + 1)
        let x2 = x * x
        var p: Float = 62.0 / 2835
        p = p * x2 - 17.0 / 315
        p = p * x2 + 2.0 / 15
        p = p * x2 - 1.0 / 3
        p = p * x2 + 1
        let series = x * p
        return x2 < 0.01 ? series : t
    }
}
