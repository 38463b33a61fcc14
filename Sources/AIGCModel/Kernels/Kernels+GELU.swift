extension Kernels {
    @usableFromInline static let geluScale: Float = 0.797_884_56  // sqrt(2/π)

    /// GELU, tanh approximation (PyTorch `approximate="tanh"`, HF `gelu_new`): 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    package static func geluForward(out: FP, inp: CFP, count: Int) {
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
            let x3: SIMD8<Float> = x * x * x
            let u: SIMD8<Float> = (x + x3 * 0.044715) * geluScale
            let y: SIMD8<Float> = x * (FastMath.tanh(u) + 1) * 0.5
            UnsafeMutableRawPointer(out + i).storeBytes(of: y, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let x = inp[i]
            let u = geluScale * (x + 0.044715 * x * x * x)
            out[i] = 0.5 * x * (1 + FastMath.tanh(SIMD8(repeating: u))[0])
            i += 1
        }
    }

    /// dinp = dout · gelu'(inp) (tanh recomputed: cheaper than storing it).
    package static func geluBackward(dinp: FP, inp: CFP, dout: CFP, count: Int) {
        @inline(__always) func grad(_ x: SIMD8<Float>) -> SIMD8<Float> {
            let x2: SIMD8<Float> = x * x
            let inner: SIMD8<Float> = x + x2 * x * 0.044715
            let t = FastMath.tanh(inner * geluScale)
            let one = SIMD8<Float>(repeating: 1)
            let dtanh: SIMD8<Float> = (one - t * t) * (one + x2 * (3 * 0.044715)) * geluScale
            return ((one + t) + x * dtanh) * 0.5
        }
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
            let d = UnsafeRawPointer(dout + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dinp + i).storeBytes(of: d * grad(x), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            dinp[i] = dout[i] * grad(SIMD8(repeating: inp[i]))[0]
            i += 1
        }
    }
}
