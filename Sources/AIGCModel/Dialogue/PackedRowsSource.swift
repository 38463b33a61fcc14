/// Fine-tuning batches: `batchSize` packed rows drawn uniformly (with replacement) from the corpus, targets
/// shifted and masked per conversation by `PackedCorpus.batch(rows:)`.
public struct PackedRowsSource: TrainingBatchSource {
    public let train: PackedCorpus
    public let val: PackedCorpus?
    public let batchSize: Int

    public init(train: PackedCorpus, val: PackedCorpus?, batchSize: Int) {
        self.train = train
        self.val = val
        self.batchSize = batchSize
    }

    public func trainBatch(rng: inout Xoshiro256) -> TokenBatch {
        train.batch(rows: (0..<batchSize).map { _ in rng.nextInt(below: train.rows) })
    }

    public func evalBatch(split: String, rng: inout Xoshiro256) -> TokenBatch {
        let c = split == "val" ? (val ?? train) : train
        return c.batch(rows: (0..<batchSize).map { _ in rng.nextInt(below: c.rows) })
    }

    public var hasValidation: Bool { val != nil }
}
