import ArgumentParser
import AIGC

/// The optimization flags of `aigc pretrain` and `aigc finetune`: the `TrainingOptions` fields both commands set,
/// declared once, with each command's defaults taken from the library (`Preset.defaults`).
struct TrainingArguments<Preset: TrainingPreset>: ParsableArguments {
    @Option var batchSize: Int = Preset.defaults.batchSize
    @Option var maxIters: Int = Preset.defaults.maxIters
    @Option var lr: Double = Preset.defaults.lr
    @Option var minLr: Double = Preset.defaults.minLR
    @Option var warmupIters: Int = Preset.defaults.warmupIters
    @Option(help: "Cosine decay length (default: --max-iters).") var lrDecayIters: Int?
    @Option var beta1: Double = Preset.defaults.beta1
    @Option var beta2: Double = Preset.defaults.beta2
    @Option var weightDecay: Double = Preset.defaults.weightDecay
    @Option(help: "Clip the global gradient norm (0 disables).") var gradClip: Double = Preset.defaults.gradClip
    @Option(help: "Micro-batches per optimizer step.") var gradAccum: Int = Preset.defaults.gradAccumSteps
    @Option var evalInterval: Int = Preset.defaults.evalInterval
    @Option(help: ArgumentHelp(Preset.evalItersHelp)) var evalIters: Int = Preset.defaults.evalIters
    @Option(help: "Also log the running training loss every N iterations (0: only at evaluations).") var logInterval: Int = Preset.defaults.logInterval
    @Option var seed: UInt64 = Preset.defaults.seed
    @Option(help: "Worker threads (OpenBLAS itself runs single-threaded).") var threads: Int = Preset.defaults.threads
    @Option(help: "Batch shards; fixes the arithmetic, so results are identical for any --threads.") var shards: Int = Preset.defaults.shards

    /// The command's defaults with the flags given on top (`--threads` checked before anything is allocated).
    func options() throws -> TrainingOptions {
        var o = Preset.defaults
        o.batchSize = batchSize; o.maxIters = maxIters; o.lr = lr; o.minLR = minLr; o.warmupIters = warmupIters
        o.lrDecayIters = lrDecayIters ?? maxIters; o.beta1 = beta1; o.beta2 = beta2; o.weightDecay = weightDecay
        o.gradClip = gradClip; o.gradAccumSteps = gradAccum; o.evalInterval = evalInterval; o.evalIters = evalIters
        o.logInterval = logInterval; o.seed = seed; o.threads = try Limits.threads("--threads", threads); o.shards = shards
        return o
    }
}

/// Which defaults a training command starts from.
protocol TrainingPreset {
    static var defaults: TrainingOptions { get }
    static var evalItersHelp: String { get }
}

enum PretrainPreset: TrainingPreset {
    static var defaults: TrainingOptions { .pretraining }
    static var evalItersHelp: String { "Random validation batches per evaluation." }
}

enum FinetunePreset: TrainingPreset {
    static var defaults: TrainingOptions { .finetuning }
    static var evalItersHelp: String { "Random validation batches per evaluation in metrics.jsonl (early stopping uses a full pass)." }
}
