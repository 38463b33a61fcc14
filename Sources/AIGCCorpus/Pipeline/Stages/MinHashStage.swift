/// Near-duplicate signatures, per record on all threads: the MinHash band keys of a cleaned record's words
/// (`MinHasher`), or none when near dedup is off. They depend on the cleaned text only; the decision is the
/// deduplicate stage's, in record order (`DeduplicateStage.isNearDuplicate`).
struct MinHashStage: Sendable {
    let minhasher: MinHasher?

    init(options: CorpusBuildOptions) {
        minhasher = options.nearDedup
            ? MinHasher(shingleSize: options.minhashNgram, bands: options.minhashBands, rows: options.minhashRows) : nil
    }

    func bands(_ c: RecordCleaner.Cleaned) -> [UInt64] {
        minhasher.flatMap { m in m.signature(c.record.texts).map { m.bandKeys($0) } } ?? []
    }
}
