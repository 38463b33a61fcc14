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
    @OptionGroup var corpus: PackedCorpusArguments
    @OptionGroup var training: TrainingArguments<FinetunePreset>
    @Option(help: "Stop after this many evaluations without a lower full validation loss (0: never).")
    var patience: Int = 3
    @Option(help: "Smallest decrease of the validation loss that counts as an improvement.")
    var minDelta: Double = 0
    @Flag(help: "Continue the run checkpointed in --out.")
    var resume = false

    func run() async throws {
        try await runCLI {
            let trainCorpus = try corpus.trainCorpus()
            let valCorpus = try corpus.optionalValCorpus()  // none: trained without validation
            let o = try training.options()
            let outURL = URL(fileURLWithPath: corpus.out)
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
