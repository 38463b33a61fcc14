import AIGCCore

/// Settings of a training run (pretraining, and later fine-tuning). Defaults are nanoGPT's shakespeare-char
/// CPU recipe.
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var batchSize = 12
    public var blockSize = 64
    public var maxIters = 2000
    public var lr = 1e-3
    public var minLR = 1e-4
    public var warmupIters = 100
    public var lrDecayIters = 2000
    public var beta1 = 0.9
    public var beta2 = 0.99
    public var weightDecay = 0.1
    /// Clip the global gradient L2 norm to this (0 disables).
    public var gradClip = 1.0
    /// Micro-batches per optimizer step.
    public var gradAccumSteps = 1
    public var evalInterval = 250
    public var evalIters = 20
    /// Rows of metrics.jsonl with the running training loss every this many iterations (0: eval rows only).
    public var logInterval = 0
    public var seed: UInt64 = 1337
    public var threads = 2
    /// Batch shards (fixed arithmetic: results are identical for any `threads`).
    public var shards = 2
    /// Time sgemm calls and report their share and GFLOP/s.
    public var profile = false

    public init() {}

    /// The defaults of `aigc pretrain` (the same as `init()`: nanoGPT's shakespeare-char CPU recipe).
    public static var pretraining: TrainingOptions { TrainingOptions() }

    /// The defaults of `aigc finetune`: a short run at a lower learning rate, without weight decay, evaluated
    /// often (early stopping needs the evaluations).
    public static var finetuning: TrainingOptions {
        var o = TrainingOptions()
        o.batchSize = 8; o.maxIters = 200; o.lrDecayIters = 200; o.lr = 3e-4; o.minLR = 3e-5; o.warmupIters = 10
        o.weightDecay = 0; o.evalInterval = 50; o.evalIters = 10
        return o
    }

    public var schedule: LearningRateSchedule {
        LearningRateSchedule(lr: lr, minLR: minLR, warmupIters: warmupIters, decayIters: lrDecayIters)
    }

    public func validate() throws {
        func bad(_ m: String) -> AIGCError { .usage(m) }
        try Limits.check("TrainingOptions.batchSize", batchSize, in: 1...(1 << 24))
        try Limits.check("TrainingOptions.blockSize", blockSize, in: 1...(1 << 16))
        guard maxIters >= 0 else { throw bad("TrainingOptions.maxIters must be ≥ 0") }
        guard lr > 0, minLR >= 0, lr.isFinite, minLR.isFinite else { throw bad("TrainingOptions.lr must be > 0 and TrainingOptions.minLR ≥ 0") }
        guard warmupIters >= 0, lrDecayIters >= 0 else { throw bad("TrainingOptions.warmupIters and TrainingOptions.lrDecayIters must be ≥ 0") }
        guard beta1 >= 0 && beta1 < 1, beta2 >= 0 && beta2 < 1 else { throw bad("TrainingOptions.beta1/TrainingOptions.beta2 must be in [0, 1)") }
        guard weightDecay >= 0, gradClip >= 0 else { throw bad("TrainingOptions.weightDecay and TrainingOptions.gradClip must be ≥ 0") }
        guard gradAccumSteps >= 1 else { throw bad("TrainingOptions.gradAccumSteps must be ≥ 1") }
        guard evalInterval >= 1, evalIters >= 1 else { throw bad("TrainingOptions.evalInterval and TrainingOptions.evalIters must be ≥ 1") }
        guard logInterval >= 0 else { throw bad("TrainingOptions.logInterval must be ≥ 0") }
        try Limits.check("TrainingOptions.threads", threads, in: 1...Int.max)
        try Limits.check("TrainingOptions.shards", shards, in: 1...(1 << 16))
    }
}
