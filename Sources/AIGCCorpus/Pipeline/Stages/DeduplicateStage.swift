import AIGCCore

/// Stage "deduplicate": a record is an exact duplicate when an earlier record that reached deduplication had the
/// same content hash, and a near duplicate when it shares an LSH band with any earlier such record (`DedupState`).
/// Decisions depend only on record order. A build runs two: a lookahead one on the parallel side, so exact
/// duplicates are never rendered, and the one in `PackStage`, whose decisions count (and are journaled for resume
/// and `merge`). Both see the same hashes in the same order, so they agree.
struct DeduplicateStage: Sendable {
    private(set) var state: DedupState

    init(options: CorpusBuildOptions) {
        state = DedupState(exact: options.exactDedup, near: options.nearDedup, bands: options.minhashBands)
    }

    /// The state restored from a journal of an interrupted build (cut back to its checkpoint).
    init(options: CorpusBuildOptions, replaying journal: DocumentLog.Reader) throws {
        self.init(options: options)
        while let e = try journal.next() {
            _ = state.isExactDuplicate(e.hash)
            _ = state.isNearDuplicate(e.bands)
        }
    }

    /// Registers the hash; true when it was seen before (and exact dedup is on).
    mutating func isExactDuplicate(_ h: ContentHash) -> Bool { state.isExactDuplicate(h) }

    /// Registers the band keys; true when any was seen before (and near dedup is on).
    mutating func isNearDuplicate(_ bands: [UInt64]) -> Bool { state.isNearDuplicate(bands) }

    /// Lookahead: the kept records of a batch that are not exact duplicates, in order (the ones to render).
    mutating func survivors(_ results: [StageOneResult]) throws -> [RecordCleaner.Cleaned] {
        var out: [RecordCleaner.Cleaned] = []
        for r in results {
            switch r {
            case .cleaned(.kept(let c)): if !isExactDuplicate(c.hash) { out.append(c) }
            case .rawDuplicate(let h, _):
                if !isExactDuplicate(h) { throw AIGCError.io("internal: raw duplicate with an unseen content hash") }
            default: break
            }
        }
        return out
    }
}
