import AIGCCore
import AIGCFormats
import Foundation

/// The classic GAN (Goodfellow et al. 2014, Algorithm 1) with MLP players:
/// `G(z) = sigmoid(W2·relu(W1·z + b1) + b2)` on Gaussian z and `D(x) = sigmoid(W2·relu(W1·x + b1) + b2)`.
/// Each `step()` makes `discriminatorSteps` updates of D on a minibatch of real examples (drawn uniformly with
/// replacement) and as many fakes, then one update of G through D. All randomness comes from one seeded
/// `Xoshiro256`, so a config and a data set give the same run bit for bit.
public final class GANTrainer {
    public let config: GANConfig
    public let data: GANDataset
    public let generator: GANMLP
    public let discriminator: GANMLP
    public let generatorParams: FloatBuffer
    public let discriminatorParams: FloatBuffer
    public let generatorGrads: FloatBuffer
    /// Exponential moving average of `generatorParams` (see `GANConfig.generatorEMA`).
    public let generatorAverage: FloatBuffer
    public let discriminatorGrads: FloatBuffer
    public let generatorOptimizer: GANOptimizer
    public let discriminatorOptimizer: GANOptimizer
    public private(set) var rng: Xoshiro256
    public private(set) var stepCount = 0

    private let gWS: GANMLPWorkspace
    private let dWS: GANMLPWorkspace
    private let noise: FloatBuffer       // [B, noiseDim]
    private let dBatch: FloatBuffer      // [2B, dim]: real rows then fake rows
    private let fake: FloatBuffer        // [B, dim]
    private let dLogitGrad: FloatBuffer  // [2B]
    private let dFake: FloatBuffer       // [B, dim]
    private let gOutGrad: FloatBuffer    // [B, dim]

    public init(config: GANConfig, data: GANDataset) throws {
        try config.validate()
        guard config.dataDim == data.dim else {
            throw AIGCError.usage("gan: config dataDim \(config.dataDim) differs from the data's dimension \(data.dim)")
        }
        self.config = config
        self.data = data
        let b = config.batchSize, d = config.dataDim
        generator = GANMLP(inputSize: config.noiseDim, hiddenSize: config.generatorHidden, outputSize: d)
        discriminator = GANMLP(inputSize: d, hiddenSize: config.discriminatorHidden, outputSize: 1)
        generatorParams = FloatBuffer(count: generator.parameterCount)
        discriminatorParams = FloatBuffer(count: discriminator.parameterCount)
        generatorGrads = FloatBuffer(count: generator.parameterCount)
        discriminatorGrads = FloatBuffer(count: discriminator.parameterCount)
        rng = Xoshiro256(seed: config.seed)
        generator.initialize(generatorParams, rng: &rng)
        generatorAverage = FloatBuffer(count: generator.parameterCount)
        generatorAverage.copy(from: generatorParams)
        discriminator.initialize(discriminatorParams, rng: &rng)
        generatorOptimizer = GANOptimizer(kind: config.optimizer, count: generator.parameterCount,
                                          learningRate: config.generatorLR, beta1: config.beta1, beta2: config.beta2,
                                          momentum: config.momentum)
        discriminatorOptimizer = GANOptimizer(kind: config.optimizer, count: discriminator.parameterCount,
                                              learningRate: config.discriminatorLR, beta1: config.beta1,
                                              beta2: config.beta2, momentum: config.momentum)
        gWS = GANMLPWorkspace(for: generator, capacity: b)
        dWS = GANMLPWorkspace(for: discriminator, capacity: 2 * b)
        noise = FloatBuffer(count: b * config.noiseDim)
        dBatch = FloatBuffer(count: 2 * b * d)
        fake = FloatBuffer(count: b * d)
        dLogitGrad = FloatBuffer(count: 2 * b)
        dFake = FloatBuffer(count: b * d)
        gOutGrad = FloatBuffer(count: b * d)
    }

    /// Generator forward on `rows` noise vectors into `out` (`[rows, dim]`, after the sigmoid).
    private func generate(noise z: UnsafePointer<Float>, rows: Int, ws: GANMLPWorkspace, into out: UnsafeMutablePointer<Float>,
                          params: FloatBuffer? = nil) {
        generator.forward(params ?? generatorParams, input: z, rows: rows, ws: ws, gemm: config.gemm)
        let l = ws.logits.pointer
        for i in 0..<(rows * config.dataDim) { out[i] = Float(GANLoss.sigmoid(Double(l[i]))) }
    }

    /// One training step: k discriminator updates, then one generator update.
    @discardableResult
    public func step() -> GANStepMetrics {
        let b = config.batchSize, d = config.dataDim
        var dLoss = 0.0, accuracy = 0.0
        for _ in 0..<config.discriminatorSteps {
            let batch = dBatch.pointer
            data.values.withUnsafeBufferPointer { real in
                for r in 0..<b {
                    let src = rng.nextInt(below: data.count) * d
                    for j in 0..<d { batch[r * d + j] = real[src + j] }
                }
            }
            rng.fillNormal(noise.buffer)
            (dLoss, accuracy) = discriminatorLossAndGradient(real: batch, noise: noise.pointer)
            discriminatorOptimizer.step(discriminatorParams, discriminatorGrads)
        }
        rng.fillNormal(noise.buffer)
        let gLoss = generatorLossAndGradient(noise: noise.pointer)
        generatorOptimizer.step(generatorParams, generatorGrads)
        stepCount += 1
        if config.generatorEMA > 0 {
            let t = Float(stepCount)
            let decay = min(config.generatorEMA, (1 + t) / (10 + t))
            let a = generatorAverage.pointer, p = generatorParams.pointer
            for i in 0..<generatorAverage.count { a[i] = decay * a[i] + (1 - decay) * p[i] }
        }
        return GANStepMetrics(step: stepCount, discriminatorLoss: dLoss, generatorLoss: gLoss, discriminatorAccuracy: accuracy)
    }

    /// D's loss on `batchSize` real rows and as many fakes made from `noise` (`[batchSize, noiseDim]`), with its
    /// gradient w.r.t. D's parameters left in `discriminatorGrads`, and D's accuracy on these rows. Changes no
    /// parameters. Reads `real` before writing the fakes, so `real` may be the internal batch buffer.
    package func discriminatorLossAndGradient(real: UnsafePointer<Float>, noise z: UnsafePointer<Float>) -> (loss: Double, accuracy: Double) {
        let b = config.batchSize, d = config.dataDim
        let batch = dBatch.pointer
        if UnsafePointer(batch) != real { batch.update(from: real, count: b * d) }
        generate(noise: z, rows: b, ws: gWS, into: batch + b * d)
        discriminator.forward(discriminatorParams, input: batch, rows: 2 * b, ws: dWS, gemm: config.gemm)
        let logits = dWS.logits.pointer
        let loss = GANLoss.discriminator(logits: logits, realCount: b, fakeCount: b, grad: dLogitGrad.pointer)
        var correct = 0
        for i in 0..<b where logits[i] > 0 { correct += 1 }
        for i in b..<(2 * b) where logits[i] < 0 { correct += 1 }
        discriminator.backward(discriminatorParams, input: batch, rows: 2 * b, ws: dWS, dLogits: dLogitGrad.pointer,
                               grads: discriminatorGrads, dInput: nil, gemm: config.gemm)
        return (loss, Double(correct) / Double(2 * b))
    }

    /// G's loss on fakes made from `noise` (`[batchSize, noiseDim]`), with its gradient w.r.t. G's parameters left
    /// in `generatorGrads`. The gradient flows through D (whose parameters stay fixed) into the fakes, through
    /// the output sigmoid (x(1 − x)) and into G. Changes no parameters.
    package func generatorLossAndGradient(noise z: UnsafePointer<Float>) -> Double {
        let b = config.batchSize, d = config.dataDim
        generate(noise: z, rows: b, ws: gWS, into: fake.pointer)
        discriminator.forward(discriminatorParams, input: fake.pointer, rows: b, ws: dWS, gemm: config.gemm)
        let loss = GANLoss.generator(config.generatorLoss, logits: dWS.logits.pointer, count: b, grad: dLogitGrad.pointer)
        discriminator.backward(discriminatorParams, input: fake.pointer, rows: b, ws: dWS, dLogits: dLogitGrad.pointer,
                               grads: nil, dInput: dFake.pointer, gemm: config.gemm)
        let x = fake.pointer, dx = dFake.pointer, dOut = gOutGrad.pointer
        for i in 0..<(b * d) { dOut[i] = dx[i] * x[i] * (1 - x[i]) }
        generator.backward(generatorParams, input: z, rows: b, ws: gWS, dLogits: dOut,
                           grads: generatorGrads, dInput: nil, gemm: config.gemm)
        return loss
    }

    /// `count` generated points, row-major `[count, dim]`, from noise drawn with a generator seeded by `seed`
    /// (independent of the training stream, so sampling never perturbs training). Uses the averaged generator
    /// weights unless `averaged` is false or the average is off.
    public func sample(count: Int, seed: UInt64, averaged: Bool = true) -> [Float] {
        let params = averaged && config.generatorEMA > 0 ? generatorAverage : generatorParams
        var r = Xoshiro256(seed: seed)
        let d = config.dataDim, chunk = max(1, min(count, 1024))
        let ws = GANMLPWorkspace(for: generator, capacity: chunk)
        let z = FloatBuffer(count: chunk * config.noiseDim)
        var out = [Float](repeating: 0, count: count * d)
        var done = 0
        out.withUnsafeMutableBufferPointer { o in
            while done < count {
                let rows = min(chunk, count - done)
                for i in 0..<(rows * config.noiseDim) { z[i] = r.nextNormalFloat() }
                generate(noise: z.pointer, rows: rows, ws: ws, into: o.baseAddress! + done * d, params: params)
                done += rows
            }
        }
        return out
    }

    /// The discriminator's probability D(x) that each row of `points` (`[n, dim]`) is real.
    public func discriminate(_ points: [Float]) -> [Float] {
        let n = points.count / config.dataDim
        guard n > 0 else { return [] }
        let ws = GANMLPWorkspace(for: discriminator, capacity: n)
        points.withUnsafeBufferPointer { discriminator.forward(discriminatorParams, input: $0.baseAddress!, rows: n, ws: ws, gemm: config.gemm) }
        return (0..<n).map { Float(GANLoss.sigmoid(Double(ws.logits[$0]))) }
    }

    /// Both players' weights as one safetensors file (`generator.w1`, `generator.b1`, … `discriminator.b2`), with
    /// the config JSON in the metadata.
    public func weights() throws -> SafeTensorsWriter {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var w = SafeTensorsWriter(metadata: ["format": "aigc-gan", "config": String(decoding: try enc.encode(config), as: UTF8.self)])
        for (name, mlp, p) in [("generator", generator, generatorParams), ("generator_ema", generator, generatorAverage),
                               ("discriminator", discriminator, discriminatorParams)] {
            let a = p.array
            try w.add("\(name).w1", floats: Array(a[mlp.w1Offset..<mlp.b1Offset]), shape: [mlp.hiddenSize, mlp.inputSize])
            try w.add("\(name).b1", floats: Array(a[mlp.b1Offset..<mlp.w2Offset]), shape: [mlp.hiddenSize])
            try w.add("\(name).w2", floats: Array(a[mlp.w2Offset..<mlp.b2Offset]), shape: [mlp.outputSize, mlp.hiddenSize])
            try w.add("\(name).b2", floats: Array(a[mlp.b2Offset..<mlp.parameterCount]), shape: [mlp.outputSize])
        }
        return w
    }
}
