extension Kernels {
    @usableFromInline static let geluScale: Float = 0.797_884_56  // sqrt(2/π)

    /// GELU, tanh approximation (PyTorch `approximate="tanh"`, HF `gelu_new`): 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// With `tanhOut`, also stores tanh(√(2/π)(x + 0.044715x³)) for `geluBackward` (saves recomputing it).
    package static func geluForward(out: FP, inp: CFP, tanhOut: FP? = nil, count: Int) {
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
            let x3: SIMD8<Float> = x * x * x
            let u: SIMD8<Float> = (x + x3 * 0.044715) * geluScale
            let t = FastMath.tanh(u)
            let y: SIMD8<Float> = x * (t + 1) * 0.5
            UnsafeMutableRawPointer(out + i).storeBytes(of: y, as: SIMD8<Float>.self)
            if let tanhOut { UnsafeMutableRawPointer(tanhOut + i).storeBytes(of: t, as: SIMD8<Float>.self) }
            i += 8
        }
        while i < count {
            let x = inp[i]
            let u = geluScale * (x + 0.044715 * x * x * x)
            let t = FastMath.tanh(SIMD8(repeating: u))[0]
            out[i] = 0.5 * x * (1 + t)
            tanhOut?[i] = t
            i += 1
        }
    }

    /// dinp = dout · gelu'(inp), with tanh from the forward pass (`tanhIn`) or recomputed.
    package static func geluBackward(dinp: FP, inp: CFP, tanhIn: CFP? = nil, dout: CFP, count: Int) {
        @inline(__always) func grad(_ x: SIMD8<Float>, _ i: Int) -> SIMD8<Float> {
            let x2: SIMD8<Float> = x * x
            let t: SIMD8<Float>
            if let tanhIn {
                t = UnsafeRawPointer(tanhIn + i).loadUnaligned(as: SIMD8<Float>.self)
            } else {
                let inner: SIMD8<Float> = x + x2 * x * 0.044715
                t = FastMath.tanh(inner * geluScale)
            }
            let one = SIMD8<Float>(repeating: 1)
            let dtanh: SIMD8<Float> = (one - t * t) * (one + x2 * (3 * 0.044715)) * geluScale
            return ((one + t) + x * dtanh) * 0.5
        }
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
            let d = UnsafeRawPointer(dout + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dinp + i).storeBytes(of: d * grad(x, i), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let x = inp[i], x2 = x * x
            let t = tanhIn?[i] ?? FastMath.tanh(SIMD8(repeating: geluScale * (x + 0.044715 * x2 * x)))[0]
            dinp[i] = dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluScale * (1 + 3 * 0.044715 * x2))
            i += 1
        }
    }
}
