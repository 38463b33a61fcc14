import AIGCCore
import Foundation

/// Supervised fine-tuning of a pretrained GPT on the corpus builder's packed conversations. It runs the
/// pretraining `Trainer` (same AdamW, schedule, clipping, `metrics.jsonl`, `loss.svg`, checkpoints and
/// bit-identical `--resume`) on `PackedRowsSource` batches, one evaluation interval at a time, so it can stop
/// early when the validation loss has not improved for `patience` evaluations; the best model so far is kept in
/// `out/best/` (`config.json` + `model.safetensors`). Before training it extends the embedding to the corpus's
/// vocabulary when the corpus added special tokens (`GPTModel.withVocabulary`).
public struct Finetuner {
    public struct Summary: Codable, Sendable {
        public var baseVocabSize: Int
        public var vocabSize: Int
        public var baseValLoss: Double?
        public var baseValPPL: Double?
        public var bestValLoss: Double?
        public var bestValPPL: Double?
        public var bestIter: Int?
        public var finalValLoss: Double?
        public var finalValPPL: Double?
        public var iters: Int
        public var stoppedEarly: Bool
        public var trainedTokensPerEpoch: Int

        enum CodingKeys: String, CodingKey {
            case baseVocabSize = "base_vocab_size", vocabSize = "vocab_size", baseValLoss = "base_val_loss"
            case baseValPPL = "base_val_ppl", bestValLoss = "best_val_loss", bestValPPL = "best_val_ppl", bestIter = "best_iter"
            case finalValLoss = "final_val_loss", finalValPPL = "final_val_ppl", iters, stoppedEarly = "stopped_early"
            case trainedTokensPerEpoch = "trained_tokens_per_epoch"
        }
    }

    public var options: TrainingOptions
    /// Stop after this many evaluations without a lower validation loss (0: never stop early).
    public var patience: Int
    /// A validation loss counts as an improvement only when it is lower than the best by more than this.
    public var minDelta: Double = 0
    public var onRow: ((String) throws -> Void)?

    public init(options: TrainingOptions, patience: Int) {
        self.options = options
        self.patience = patience
    }

    /// Fine-tunes `base` (ignored when `resume` continues the run in `out`).
    public func run(base: GPTModel?, train: PackedCorpus, val: PackedCorpus?, out: URL, resume: Bool) throws -> Summary {
        var o = options
        o.blockSize = train.seqLen
        try o.validate()
        if let val, val.seqLen != train.seqLen {
            throw AIGCError.input(location: val.directory, message: "validation rows have \(val.seqLen) tokens, training rows \(train.seqLen)")
        }
        let source = PackedRowsSource(train: train, val: val, batchSize: o.batchSize)
        let totalIters = o.maxIters
        func chunk(until it: Int) -> TrainingOptions { var c = o; c.maxIters = min(totalIters, it); return c }

        var trainer: Trainer
        var baseVocab: Int
        if resume {
            trainer = try Trainer.resume(outDirectory: out, options: chunk(until: 0), config: nil)
            baseVocab = trainer.model.config.vocabSize
            trainer = try Trainer.resume(outDirectory: out, options: chunk(until: trainer.iter + o.evalInterval), config: nil)
        } else {
            guard let base else { throw AIGCError.usage("finetune: no base model") }
            baseVocab = base.config.vocabSize
            let needed = max(train.vocabSize, val?.vocabSize ?? 0)
            let model = needed > base.config.vocabSize ? try base.withVocabulary(needed, seed: o.seed) : try base.copy()
            try Self.checkFits(model, train)
            if let val { try Self.checkFits(model, val) }
            let opt = AdamW(layout: model.layout, beta1: Float(o.beta1), beta2: Float(o.beta2), eps: 1e-8, weightDecay: Float(o.weightDecay))
            trainer = try Trainer(model: model, optimizer: opt, options: chunk(until: o.evalInterval), outDirectory: out,
                                  rng: Xoshiro256(seed: o.seed ^ 0x5EED_DA7A), iter: 0, bestValLoss: nil, resumed: false)
        }
        let evalEngine = GPTEngine(model: trainer.model, batchSize: o.batchSize, time: train.seqLen, shards: o.shards, threads: o.threads, training: false)
        var summary = Summary(baseVocabSize: baseVocab, vocabSize: trainer.model.config.vocabSize, iters: 0, stoppedEarly: false,
                              trainedTokensPerEpoch: train.trainedTokens)
        func fullVal() -> Double? {
            evalEngine.model.params.copy(from: trainer.model.params)
            return val.map { CorpusEvaluation.meanLoss(engine: evalEngine, corpus: $0, batchSize: o.batchSize).loss }
        }
        if !resume, let v = fullVal() { summary.baseValLoss = v; summary.baseValPPL = exp(v) }
        var best = trainer.bestValLoss ?? .infinity
        var sinceBest = 0
        while true {
            trainer.onRow = onRow
            try trainer.run(source: source)
            summary.iters = trainer.iter
            if let v = fullVal() {
                summary.finalValLoss = v; summary.finalValPPL = exp(v)
                if v < best - minDelta {
                    best = v; sinceBest = 0
                    summary.bestValLoss = v; summary.bestValPPL = exp(v); summary.bestIter = trainer.iter
                    try trainer.model.save(directory: out.appendingPathComponent("best"))
                } else {
                    sinceBest += 1
                }
            } else {
                try trainer.model.save(directory: out.appendingPathComponent("best"))
            }
            if trainer.iter >= totalIters { break }
            if patience > 0 && sinceBest >= patience { summary.stoppedEarly = true; break }
            trainer = try Trainer.resume(outDirectory: out, options: chunk(until: trainer.iter + o.evalInterval), config: nil)
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try e.encode(summary), to: out.appendingPathComponent("finetune.json"))
        return summary
    }

    static func checkFits(_ model: GPTModel, _ c: PackedCorpus) throws {
        if c.maxPosition >= model.config.blockSize || c.seqLen > model.config.blockSize {
            throw AIGCError.usage("\(c.directory): rows of \(c.seqLen) tokens (positions up to \(c.maxPosition)) do not fit the model's block size \(model.config.blockSize); rebuild the corpus with CorpusBuildOptions.seqLen \(model.config.blockSize) or less")
        }
    }
}
