import AIGCCore

/// Settings of adversarial (GPT + discriminator) dialogue training.
public struct AdversarialOptions: Codable, Sendable, Equatable {
    public var rounds = 3
    /// Generator (policy-gradient) updates per round.
    public var generatorSteps = 10
    /// Discriminator updates before each generator update (k).
    public var discriminatorSteps = 1
    /// Discriminator updates before the first round (human vs. sampled replies of the fine-tuned generator): the
    /// budget, or exactly this many when `discriminatorPretrainUntil` is nil.
    public var discriminatorPretrainSteps = 40
    /// Stop discriminator pretraining early once its held-out accuracy reaches this (nil: run every step).
    public var discriminatorPretrainUntil: Double?
    /// Linear learning-rate warm-up of the discriminator over its first this many updates (0: none). Adam's
    /// first full-size steps on every weight of the pretrained trunk can wipe out what the QUERY position reads
    /// (P(real) near-constant again); a warm-up lets the new label rows move first.
    public var discriminatorWarmup = 0
    /// The most context tokens the discriminator reads before a reply (0: all that fit; with a discriminator
    /// loaded from disk, 0 keeps the length it was trained with).
    public var discriminatorContext = 0
    /// What the discriminator's head reads (nil: `.query` for a new discriminator, the saved one for a loaded one).
    public var discriminatorReadout: DiscriminatorReadout?
    /// Learning-rate multiplier of the discriminator's label rows (its classification head) over `discriminatorLR`.
    public var discriminatorHeadLRMultiplier = 1.0
    /// Discriminator updates between two held-out evaluations (points of the pretraining curve).
    public var discriminatorEvalInterval = 10
    /// The discriminator's training loss (two-way binary cross-entropy unless comparing with the old loss).
    public var discriminatorLoss: DiscriminatorLoss = .twoWay
    /// Teacher-forcing (MLE) updates on human replies after each generator update.
    public var mleSteps = 1
    /// Contexts per generator/discriminator update (and human replies per D update).
    public var batchSize = 8
    /// Packed corpus rows per MLE update.
    public var mleBatchSize = 4
    /// Monte-Carlo rollouts per reply prefix for per-token rewards (0: one sequence-level reward).
    public var rollouts = 0
    public var generatorLR = 1e-5
    public var discriminatorLR = 1e-4
    public var gradClip = 1.0
    /// Exponential moving average decay of the reward baseline.
    public var baselineDecay = 0.9
    public var maxReplyTokens = 32
    public var temperature: Float = 1
    public var topK = 0
    /// Stop (keeping the previous round's generator) when validation perplexity exceeds the fine-tuned
    /// model's by more than this fraction.
    public var maxPplIncrease = 0.1
    /// Held-out (validation) pairs used for D accuracy, distinct-n and mean length each round.
    public var evalPairs = 64
    public var seed: UInt64 = 1
    public var threads = 2
    public var shards = 2

    public init() {}

    public func validate() throws {
        func need(_ ok: Bool, _ m: String) throws { if !ok { throw AIGCError.usage("adversarial: \(m)") } }
        try need(rounds >= 0, "AdversarialOptions.rounds must be ≥ 0 (0: only pretrain D and evaluate the generator)")
        try need(generatorSteps >= 1 && discriminatorSteps >= 0 && discriminatorPretrainSteps >= 0 && mleSteps >= 0, "step counts must be ≥ 0 (AdversarialOptions.generatorSteps ≥ 1)")
        try need(batchSize >= 1 && mleBatchSize >= 1, "batch sizes must be ≥ 1")
        // Each rollout samples a completion of every prefix of every reply: cost ∝ batch × reply tokens × rollouts.
        try Limits.check("AdversarialOptions.rollouts", rollouts, in: 0...64)
        try Limits.check("AdversarialOptions.batchSize", batchSize, in: 1...(1 << 16))
        try Limits.check("AdversarialOptions.mleBatchSize", mleBatchSize, in: 1...(1 << 16))
        try Limits.check("AdversarialOptions.maxReplyTokens", maxReplyTokens, in: 1...(1 << 16))
        try Limits.finite("AdversarialOptions.generatorLR", generatorLR)
        try Limits.finite("AdversarialOptions.discriminatorLR", discriminatorLR)
        try Limits.finite("AdversarialOptions.gradClip", gradClip)
        try Limits.check("AdversarialOptions.temperature", Double(temperature), in: 0...2)
        try need(generatorLR > 0 && discriminatorLR > 0, "learning rates must be > 0")
        try need(baselineDecay >= 0 && baselineDecay < 1, "AdversarialOptions.baselineDecay must be in [0, 1)")
        try need(maxReplyTokens >= 1, "AdversarialOptions.maxReplyTokens must be ≥ 1")
        try need(maxPplIncrease >= 0, "AdversarialOptions.maxPplIncrease must be ≥ 0")
        try need(evalPairs >= 1, "AdversarialOptions.evalPairs must be ≥ 1")
        try Limits.check("AdversarialOptions.discriminatorWarmup", discriminatorWarmup, in: 0...(1 << 30))
        try Limits.check("AdversarialOptions.discriminatorContext", discriminatorContext, in: 0...(1 << 20))
        try need(!(discriminatorReadout == .mean && discriminatorLoss == .vocabulary), "the mean readout is trained with the two-way loss only (AdversarialOptions.discriminatorLoss)")
        try Limits.check("AdversarialOptions.discriminatorHeadLRMultiplier", discriminatorHeadLRMultiplier, in: 1e-3...1e4)
        try Limits.check("AdversarialOptions.discriminatorEvalInterval", discriminatorEvalInterval, in: 1...(1 << 30))
        if let u = discriminatorPretrainUntil {
            try Limits.finite("AdversarialOptions.discriminatorPretrainUntil", u)
            try need(u > 0 && u <= 1, "AdversarialOptions.discriminatorPretrainUntil must be in (0, 1] (a held-out accuracy; got \(u))")
        }
        try need(threads >= 1 && shards >= 1, "AdversarialOptions.threads and AdversarialOptions.shards must be ≥ 1")
    }
}
