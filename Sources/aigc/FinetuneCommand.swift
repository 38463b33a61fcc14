import ArgumentParser
import AIGC
import Foundation

/// `aigc finetune`: supervised fine-tuning on packed conversations.
struct FinetuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a pretrained GPT on the corpus builder's packed conversations (safetensors).",
        discussion: """
        Trains only where labels != -100, with packed conversations isolated (block-diagonal attention, positions \
        restarting per conversation, no target across a conversation boundary). Extends the embedding when the \
        corpus added special tokens. Writes DIR/metrics.jsonl, DIR/loss.svg and a checkpoint (config.json, \
        model.safetensors, optimizer.safetensors, train_state.json) at every evaluation, DIR/best/ (the model with \
        the lowest full validation loss) and DIR/finetune.json (base, best and final validation loss and \
        perplexity). --resume continues DIR.
        """
    )

    @Option(help: "Pretrained model directory (config.json + model.safetensors, e.g. from aigc pretrain) or a registered model name.")
    var base: String?
    @Option(help: "Corpus directory (aigc corpus build --output-format safetensors); its train-*.safetensors are used.")
    var train: String
    @Option(help: "Corpus directory whose val-*.safetensors are the validation set (default: --train's, if it has them).")
    var val: String?
    @Option(help: "Output directory.")
    var out: String
    @Option var batchSize: Int = 8
    @Option var maxIters: Int = 200
    @Option var lr: Double = 3e-4
    @Option var minLr: Double = 3e-5
    @Option var warmupIters: Int = 10
    @Option(help: "Cosine decay length (default: --max-iters).")
    var lrDecayIters: Int?
    @Option var beta1: Double = 0.9
    @Option var beta2: Double = 0.99
    @Option var weightDecay: Double = 0.0
    @Option(help: "Clip the global gradient norm (0 disables).")
    var gradClip: Double = 1.0
    @Option(help: "Micro-batches per optimizer step.")
    var gradAccum: Int = 1
    @Option var evalInterval: Int = 50
    @Option(help: "Random validation batches per evaluation in metrics.jsonl (early stopping uses a full pass).")
    var evalIters: Int = 10
    @Option(help: "Stop after this many evaluations without a lower full validation loss (0: never).")
    var patience: Int = 3
    @Option(help: "Smallest decrease of the validation loss that counts as an improvement.")
    var minDelta: Double = 0
    @Option var logInterval: Int = 0
    @Option var seed: UInt64 = 1337
    @Option var threads: Int = 2
    @Option var shards: Int = 2
    @Flag(help: "Continue the run checkpointed in --out.")
    var resume = false

    func run() async throws {
        try await runCLI {
            let trainCorpus = try PackedCorpus(directory: URL(fileURLWithPath: train), split: "train")
            let valDir = val ?? train
            let hasVal = (try? FileManager.default.contentsOfDirectory(atPath: valDir))?.contains { CorpusLayout.isSafeTensorsShard($0, split: "val") } ?? false
            let valCorpus: PackedCorpus? = val != nil || hasVal ? try PackedCorpus(directory: URL(fileURLWithPath: valDir), split: "val") : nil
            var o = TrainingOptions()
            o.batchSize = batchSize; o.maxIters = maxIters; o.lr = lr; o.minLR = minLr; o.warmupIters = warmupIters
            o.lrDecayIters = lrDecayIters ?? maxIters; o.beta1 = beta1; o.beta2 = beta2; o.weightDecay = weightDecay
            o.gradClip = gradClip; o.gradAccumSteps = gradAccum; o.evalInterval = evalInterval; o.evalIters = evalIters
            o.logInterval = logInterval; o.seed = seed; o.threads = try Limits.threads("--threads", threads); o.shards = shards
            let outURL = URL(fileURLWithPath: out)
            var baseModel: GPTModel? = nil
            if !resume {
                guard let base else { throw ValidationError("--base is required (unless --resume)") }
                baseModel = try GPTModel.load(directory: try ModelStore.resolve(base))
            }
            // Taken once the inputs are known to be good: a bad base model leaves no output directory behind.
            let lock = try DirectoryLock(directory: outURL, what: "aigc finetune")
            defer { withExtendedLifetime(lock) {} }
            var f = Finetuner(options: o, patience: patience)
            f.minDelta = minDelta
            f.onRow = { try StandardOutput.line($0) }
            let s = try f.run(base: baseModel, train: trainCorpus, val: valCorpus, out: outURL, resume: resume)
            func fmt(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "n/a" }
            logStderr("finetune: \(s.iters) iterations\(s.stoppedEarly ? " (stopped early)" : ""); vocab \(s.baseVocabSize) → \(s.vocabSize); "
                + "val loss base \(fmt(s.baseValLoss)) best \(fmt(s.bestValLoss)) (ppl \(fmt(s.bestValPPL)), iter \(s.bestIter.map(String.init) ?? "n/a"))")
        }
    }
}
