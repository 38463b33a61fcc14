import AIGCModel
import Testing

/// Finite-difference checks of every backward pass of the classic GAN.
@Suite struct GANGradientTests {
    static func relClose(_ a: Double, _ b: Double, tol: Double) -> Bool { abs(a - b) <= tol * max(1e-2, abs(a), abs(b)) }

    /// The MLP's parameter and input gradients for `L = Σ w ⊙ logits`, with both kernels.
    @Test(arguments: [GANGemm.naive, GANGemm.blas])
    func mlpBackwardMatchesFiniteDifferences(gemm: GANGemm) {
        var rng = Xoshiro256(seed: 3)
        let mlp = GANMLP(inputSize: 3, hiddenSize: 5, outputSize: 2)
        let rows = 4
        let params = FloatBuffer(count: mlp.parameterCount)
        mlp.initialize(params, rng: &rng)
        var x = (0..<(rows * 3)).map { _ in rng.nextNormalFloat() }
        let w = (0..<(rows * 2)).map { _ in rng.nextNormalFloat() }
        let ws = GANMLPWorkspace(for: mlp, capacity: rows)
        func loss() -> Double {
            mlp.forward(params, input: x, rows: rows, ws: ws, gemm: gemm)
            return (0..<(rows * 2)).reduce(0.0) { $0 + Double(w[$1]) * Double(ws.logits[$1]) }
        }
        _ = loss()
        let grads = FloatBuffer(count: mlp.parameterCount)
        var dx = [Float](repeating: 0, count: rows * 3)
        mlp.backward(params, input: x, rows: rows, ws: ws, dLogits: w, grads: grads, dInput: &dx, gemm: gemm)
        let h: Float = 1e-2
        var checked = 0
        for i in 0..<mlp.parameterCount {
            let old = params[i]
            params[i] = old + h; let lp = loss()
            params[i] = old - h; let lm = loss()
            params[i] = old
            let num = (lp - lm) / Double(2 * h)
            // A relu kink inside [−h, h] makes the difference quotient meaningless; skip those rare entries.
            if abs(num - Double(grads[i])) > 1e-2 * max(1e-2, abs(num)) && Self.kinkNear(mlp, params, x, rows, h) { continue }
            #expect(Self.relClose(num, Double(grads[i]), tol: 1e-2), "param \(i): numeric \(num) analytic \(grads[i])")
            checked += 1
        }
        #expect(checked > mlp.parameterCount * 9 / 10)
        for i in x.indices {
            let old = x[i]
            x[i] = old + h; let lp = loss()
            x[i] = old - h; let lm = loss()
            x[i] = old
            #expect(Self.relClose((lp - lm) / Double(2 * h), Double(dx[i]), tol: 1e-2), "input \(i)")
        }
    }

    static func kinkNear(_ mlp: GANMLP, _ params: FloatBuffer, _ x: [Float], _ rows: Int, _ h: Float) -> Bool {
        let ws = GANMLPWorkspace(for: mlp, capacity: rows)
        mlp.forward(params, input: x, rows: rows, ws: ws, gemm: .naive)
        return (0..<(rows * mlp.hiddenSize)).contains { abs(ws.preActivation[$0]) < 4 * h }
    }

    static func tinyTrainer(_ loss: GANGeneratorLoss) throws -> GANTrainer {
        var rng = Xoshiro256(seed: 11)
        let values = (0..<(20 * 2)).map { _ in Float(rng.nextDouble()) }
        var config = GANConfig(dataDim: 2)
        config.noiseDim = 3
        config.generatorHidden = 6
        config.discriminatorHidden = 5
        config.batchSize = 4
        config.generatorLoss = loss
        config.gemm = .naive
        config.seed = 5
        return try GANTrainer(config: config, data: try GANDataset(values: values, count: 20, dim: 2))
    }

    /// The generator's whole gradient path — D's input gradient, the output sigmoid, G's layers — against
    /// finite differences of G's loss, for both objectives.
    @Test(arguments: GANGeneratorLoss.allCases)
    func generatorGradientMatchesFiniteDifferences(loss: GANGeneratorLoss) throws {
        let t = try Self.tinyTrainer(loss)
        var rng = Xoshiro256(seed: 99)
        let z = (0..<(4 * 3)).map { _ in rng.nextNormalFloat() }
        _ = t.generatorLossAndGradient(noise: z)
        let analytic = t.generatorGrads.array
        let dBefore = t.discriminatorParams.array
        let h: Float = 1e-2
        var bad = 0
        for i in 0..<t.generatorParams.count {
            let old = t.generatorParams[i]
            t.generatorParams[i] = old + h; let lp = t.generatorLossAndGradient(noise: z)
            t.generatorParams[i] = old - h; let lm = t.generatorLossAndGradient(noise: z)
            t.generatorParams[i] = old
            let num = (lp - lm) / Double(2 * h)
            if !Self.relClose(num, Double(analytic[i]), tol: 2e-2) { bad += 1 }
        }
        // Allow for at most a couple of relu kinks crossed by ±h in either network.
        #expect(bad <= 2, "\(bad) of \(t.generatorParams.count) generator gradients differ from finite differences")
        #expect(t.discriminatorParams.array == dBefore, "the generator step must not touch D")
    }

    /// D's gradient on a real + fake minibatch against finite differences of D's loss.
    @Test func discriminatorGradientMatchesFiniteDifferences() throws {
        let t = try Self.tinyTrainer(.minimax)
        var rng = Xoshiro256(seed: 98)
        let real = (0..<(4 * 2)).map { _ in Float(rng.nextDouble()) }
        let z = (0..<(4 * 3)).map { _ in rng.nextNormalFloat() }
        _ = t.discriminatorLossAndGradient(real: real, noise: z)
        let analytic = t.discriminatorGrads.array
        let h: Float = 1e-2
        var bad = 0
        for i in 0..<t.discriminatorParams.count {
            let old = t.discriminatorParams[i]
            t.discriminatorParams[i] = old + h; let lp = t.discriminatorLossAndGradient(real: real, noise: z).loss
            t.discriminatorParams[i] = old - h; let lm = t.discriminatorLossAndGradient(real: real, noise: z).loss
            t.discriminatorParams[i] = old
            if !Self.relClose((lp - lm) / Double(2 * h), Double(analytic[i]), tol: 2e-2) { bad += 1 }
        }
        #expect(bad <= 1, "\(bad) of \(t.discriminatorParams.count) discriminator gradients differ")
    }
}
