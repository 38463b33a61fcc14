/// One record that reached the deduplication stage of a sharded build, as `documents.log` stores it for
/// `aigc corpus merge`: enough to replay global deduplication in ordinal order and re-pack kept documents.
public struct DocumentLogEntry: Sendable, Equatable {
    public var ordinal: UInt64
    public var fileIndex: UInt32
    public var line: UInt64
    public var hash: ContentHash
    /// nil = kept; otherwise the shard's drop reason (near duplicate or a length rule).
    public var dropped: DropReason?
    public var split: Split
    public var truncated: Bool
    public var bands: [UInt64]
    /// Present when kept.
    public var document: TokenizedDocument?

    public init(ordinal: UInt64, fileIndex: UInt32, line: UInt64, hash: ContentHash, dropped: DropReason?, split: Split,
                truncated: Bool, bands: [UInt64], document: TokenizedDocument?) {
        self.ordinal = ordinal; self.fileIndex = fileIndex; self.line = line; self.hash = hash; self.dropped = dropped
        self.split = split; self.truncated = truncated; self.bands = bands; self.document = document
    }
}
