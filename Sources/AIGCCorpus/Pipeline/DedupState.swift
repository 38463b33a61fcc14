/// Exact and near-duplicate state of a build, applied in record order: a record is an exact duplicate when an
/// earlier record that reached deduplication had the same content hash, and a near duplicate when it shares an
/// LSH band with any earlier such record (kept or not). Decisions depend only on the order of records, which is
/// why shard runs can be replayed into exactly the single-run result by `aigc corpus merge`.
public struct DedupState: Sendable {
    public let exact: Bool
    public let near: Bool
    public private(set) var seen = Set<ContentHash>()
    public private(set) var lsh: LSHIndex

    public init(exact: Bool, near: Bool, bands: Int) {
        self.exact = exact
        self.near = near
        lsh = LSHIndex(bands: bands)
    }

    /// Registers the hash; true when it was seen before (and exact dedup is on).
    public mutating func isExactDuplicate(_ h: ContentHash) -> Bool {
        guard exact else { return false }
        return !seen.insert(h).inserted
    }

    /// Registers the band keys; true when any was seen before (and near dedup is on).
    public mutating func isNearDuplicate(_ bands: [UInt64]) -> Bool {
        guard near, !bands.isEmpty else { return false }
        return lsh.insert(bands)
    }
}
