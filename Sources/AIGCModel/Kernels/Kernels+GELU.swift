import CKernels

extension Kernels {
    @usableFromInline static let geluScale: Float = 0.797_884_56  // sqrt(2/π)

    /// GELU, tanh approximation (PyTorch `approximate="tanh"`, HF `gelu_new`): 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// With `tanhOut`, also stores the tanh for `geluBackward` (saves recomputing it). Safe in place (out == inp).
    package static func geluForward(out: FP, inp: CFP, tanhOut: FP? = nil, count: Int) {
        let s = geluScale
        if let tanhOut {
            // 16 lanes on AVX-512 CPUs (the package's baseline build vectorises this loop only 4 wide).
            if ck_gelu_forward_train(out, inp, tanhOut, count) != 0 { return }
            for i in 0..<count {
                let x = inp[i]
                let t = FastMath.tanh(s * (x + 0.044715 * x * x * x))
                tanhOut[i] = t
                out[i] = 0.5 * x * (1 + t)
            }
        } else {
            for i in 0..<count {
                let x = inp[i]
                out[i] = 0.5 * x * (1 + FastMath.tanh(s * (x + 0.044715 * x * x * x)))
            }
        }
    }

    /// dinp = dout · gelu'(inp), with tanh from the forward pass (`tanhIn`) or recomputed. Safe in place.
    package static func geluBackward(dinp: FP, inp: CFP, tanhIn: CFP? = nil, dout: CFP, count: Int) {
        let s = geluScale
        if let tanhIn {
            if ck_gelu_backward_train(dinp, inp, tanhIn, dout, count) != 0 { return }
            for i in 0..<count {
                let x = inp[i], x2 = x * x, t = tanhIn[i]
                dinp[i] = dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * s * (1 + 3 * 0.044715 * x2))
            }
        } else {
            for i in 0..<count {
                let x = inp[i], x2 = x * x
                let t = FastMath.tanh(s * (x + 0.044715 * x2 * x))
                dinp[i] = dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * s * (1 + 3 * 0.044715 * x2))
            }
        }
    }
}
