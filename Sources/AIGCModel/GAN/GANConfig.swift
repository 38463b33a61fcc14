import AIGCCore

/// Everything that defines a classic MLP GAN run. Saved next to the weights (`config.json`) so a run can be
/// described and reproduced exactly.
public struct GANConfig: Codable, Sendable, Equatable {
    /// Dimension of the data vectors (and the generator's output).
    public var dataDim: Int
    /// Dimension of the generator's Gaussian noise input z.
    public var noiseDim: Int = 8
    public var generatorHidden: Int = 64
    public var discriminatorHidden: Int = 64
    /// Real and fake examples per minibatch (each).
    public var batchSize: Int = 64
    public var generatorLR: Float = 2e-4
    public var discriminatorLR: Float = 2e-4
    public var optimizer: GANOptimizerKind = .adam
    /// Adam's β1 (0.5 as in DCGAN: less momentum keeps the two-player game from overshooting).
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// SGD momentum (ignored by Adam).
    public var momentum: Float = 0
    /// Discriminator steps per generator step (k in Goodfellow et al., Algorithm 1).
    public var discriminatorSteps: Int = 2
    public var generatorLoss: GANGeneratorLoss = .minimax
    /// Decay of the exponential moving average of the generator's weights that `sample` uses (0 turns it off
    /// and samples the last iterate). GAN iterates circle around the equilibrium rather than settle on it; the
    /// average (Yazıcı et al. 2019) sits near its centre. Ramped in as `min(decay, (1 + t)/(10 + t))`.
    public var generatorEMA: Float = 0.999
    public var seed: UInt64 = 0
    public var gemm: GANGemm = .blas

    public init(dataDim: Int) { self.dataDim = dataDim }

    public func validate() throws {
        func need(_ ok: Bool, _ m: String) throws { if !ok { throw AIGCError.usage("gan: \(m)") } }
        try need(dataDim >= 1, "data dimension must be ≥ 1")
        try need(noiseDim >= 1, "GANConfig.noiseDim must be ≥ 1")
        try need(generatorHidden >= 1 && discriminatorHidden >= 1, "hidden sizes must be ≥ 1")
        try need(batchSize >= 1, "GANConfig.batchSize must be ≥ 1")
        try Limits.check("GANConfig.batchSize", batchSize, in: 1...(1 << 24))
        try Limits.check("GANConfig.noiseDim", noiseDim, in: 1...(1 << 16))
        try Limits.check("GANConfig.generatorHidden", generatorHidden, in: 1...(1 << 16))
        try Limits.check("GANConfig.discriminatorHidden", discriminatorHidden, in: 1...(1 << 16))
        try Limits.check("GANConfig.discriminatorSteps", discriminatorSteps, in: 1...(1 << 20))
        try need(discriminatorSteps >= 1, "GANConfig.discriminatorSteps must be ≥ 1")
        try need(generatorLR.isFinite && generatorLR > 0 && discriminatorLR.isFinite && discriminatorLR > 0,
                 "learning rates must be positive")
        try need((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in [0, 1)")
        try need((0..<1).contains(momentum), "GANConfig.momentum must be in [0, 1)")
        try need((0..<1).contains(generatorEMA), "GANConfig.generatorEMA must be in [0, 1)")
    }
}
