extension Kernels {
    /// out[n] = wte[tokens[n]] + wpe[positions[n]] for n in 0..<N rows of width C.
    package static func encoderForward(out: FP, tokens: UnsafePointer<Int32>, positions: UnsafePointer<Int32>,
                                       wte: CFP, wpe: CFP, N: Int, C: Int) {
        for n in 0..<N {
            let o = out + n * C, a = wte + Int(tokens[n]) * C, b = wpe + Int(positions[n]) * C
            for i in 0..<C { o[i] = a[i] + b[i] }
        }
    }

    /// dwte[tokens[n]] += dout[n]; dwpe[positions[n]] += dout[n] (rows in order, so sums are deterministic).
    package static func encoderBackward(dwte: FP, dwpe: FP, dout: CFP, tokens: UnsafePointer<Int32>,
                                        positions: UnsafePointer<Int32>, N: Int, C: Int) {
        for n in 0..<N {
            let d = dout + n * C, a = dwte + Int(tokens[n]) * C, b = dwpe + Int(positions[n]) * C
            for i in 0..<C { a[i] += d[i]; b[i] += d[i] }
        }
    }
}
