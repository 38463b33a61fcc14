/// A two-layer perceptron `logits = W2·relu(W1·x + b1) + b2`, the shape of both the generator and the
/// discriminator of the classic GAN (the generator applies a sigmoid to the logits, the discriminator's sigmoid
/// lives in the log-sigmoid loss). Parameters are one flat buffer laid out `W1 [hidden, input]`, `b1 [hidden]`,
/// `W2 [output, hidden]`, `b2 [output]` (PyTorch's `nn.Linear` layout, row-major). Forward and backward are
/// paired over a batch of row-major inputs `[rows, input]`; the forward caches what the backward needs in a
/// `GANMLPWorkspace`.
public struct GANMLP: Sendable {
    public let inputSize: Int
    public let hiddenSize: Int
    public let outputSize: Int

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
    }

    public var w1Offset: Int { 0 }
    public var b1Offset: Int { hiddenSize * inputSize }
    public var w2Offset: Int { b1Offset + hiddenSize }
    public var b2Offset: Int { w2Offset + outputSize * hiddenSize }
    public var parameterCount: Int { b2Offset + outputSize }

    /// PyTorch's default `nn.Linear` initialization: weights and biases uniform in ±1/√fan_in.
    public func initialize(_ params: FloatBuffer, rng: inout Xoshiro256) {
        precondition(params.count == parameterCount)
        let p = params.pointer
        let a1 = 1 / Double(inputSize).squareRoot(), a2 = 1 / Double(hiddenSize).squareRoot()
        for i in 0..<b2Offset {
            let bound = i < w2Offset ? a1 : a2
            p[i] = Float((2 * rng.nextDouble() - 1) * bound)
        }
        for i in b2Offset..<parameterCount { p[i] = Float((2 * rng.nextDouble() - 1) * a2) }
    }

    /// Forward over `rows` inputs; the logits land in `ws.logits` (`[rows, output]`).
    public func forward(_ params: FloatBuffer, input x: UnsafePointer<Float>, rows: Int, ws: GANMLPWorkspace, gemm: GANGemm) {
        precondition(rows <= ws.capacity && ws.hiddenSize == hiddenSize && ws.outputSize == outputSize)
        let p = params.pointer
        let h = hiddenSize, o = outputSize
        let pre = ws.preActivation.pointer, hid = ws.hidden.pointer, out = ws.logits.pointer
        // pre = x · W1ᵀ + b1; hidden = relu(pre)
        gemm(transA: false, transB: true, m: rows, n: h, k: inputSize, a: x, lda: inputSize,
             b: p + w1Offset, ldb: inputSize, beta: 0, c: pre, ldc: h)
        let b1 = p + b1Offset
        for r in 0..<rows {
            let row = pre + r * h, hrow = hid + r * h
            for j in 0..<h {
                let v = row[j] + b1[j]
                row[j] = v
                hrow[j] = v > 0 ? v : 0
            }
        }
        // logits = hidden · W2ᵀ + b2
        gemm(transA: false, transB: true, m: rows, n: o, k: h, a: hid, lda: h,
             b: p + w2Offset, ldb: h, beta: 0, c: out, ldc: o)
        let b2 = p + b2Offset
        for r in 0..<rows {
            let row = out + r * o
            for j in 0..<o { row[j] += b2[j] }
        }
    }

    /// Backward of the last `forward` on `ws` for upstream gradient `dLogits` (`[rows, output]`, clobbered
    /// nowhere). Writes parameter gradients into `grads` (overwritten, not accumulated) when given, and the
    /// input gradient into `dInput` (`[rows, input]`) when given.
    public func backward(_ params: FloatBuffer, input x: UnsafePointer<Float>, rows: Int, ws: GANMLPWorkspace,
                         dLogits: UnsafePointer<Float>, grads: FloatBuffer?, dInput: UnsafeMutablePointer<Float>?,
                         gemm: GANGemm) {
        precondition(rows <= ws.capacity)
        let p = params.pointer
        let h = hiddenSize, o = outputSize
        let hid = ws.hidden.pointer, dh = ws.dHidden.pointer
        if let grads {
            precondition(grads.count == parameterCount)
            let g = grads.pointer
            // dW2 = dLogitsᵀ · hidden; db2 = Σ_rows dLogits
            gemm(transA: true, transB: false, m: o, n: h, k: rows, a: dLogits, lda: o, b: hid, ldb: h,
                 beta: 0, c: g + w2Offset, ldc: h)
            columnSums(dLogits, rows: rows, cols: o, into: g + b2Offset)
        }
        // dHidden = dLogits · W2, then through the relu: zero where pre ≤ 0 (hidden == 0).
        gemm(transA: false, transB: false, m: rows, n: h, k: o, a: dLogits, lda: o, b: p + w2Offset, ldb: h,
             beta: 0, c: dh, ldc: h)
        for i in 0..<(rows * h) where hid[i] <= 0 { dh[i] = 0 }
        if let grads {
            let g = grads.pointer
            // dW1 = dPreᵀ · x; db1 = Σ_rows dPre
            gemm(transA: true, transB: false, m: h, n: inputSize, k: rows, a: dh, lda: h, b: x, ldb: inputSize,
                 beta: 0, c: g + w1Offset, ldc: inputSize)
            columnSums(dh, rows: rows, cols: h, into: g + b1Offset)
        }
        if let dInput {
            // dx = dPre · W1
            gemm(transA: false, transB: false, m: rows, n: inputSize, k: h, a: dh, lda: h, b: p + w1Offset,
                 ldb: inputSize, beta: 0, c: dInput, ldc: inputSize)
        }
    }

    private func columnSums(_ a: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: cols)
        for r in 0..<rows {
            let row = a + r * cols
            for j in 0..<cols { out[j] += row[j] }
        }
    }
}
