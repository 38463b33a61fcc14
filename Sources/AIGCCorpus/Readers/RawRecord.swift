/// One unparsed input record: a line of JSONL, one element of a JSON array, a DailyDialog line or a whole text
/// file, with where it came from. Its bytes live in the owning `RawBatch`'s storage.
public struct RawRecord: Sendable {
    /// Range of the record's bytes in `RawBatch.storage`.
    public var range: Range<Int>
    /// Index of the input file in the run's input list.
    public var fileIndex: Int
    /// 1-based line number where the record starts.
    public var line: Int
    /// Position of the record among all records of the run (all input files, in order). Stable across thread
    /// counts and shards: it is what orders documents, so shard outputs merge back into the single-run order.
    public var ordinal: UInt64
    /// For a record over the reader's `maxRecordBytes`: its size in bytes (its bytes are not kept, `range` is
    /// empty, and the build drops it as `record_too_large`); 0 otherwise.
    public var oversize = 0
    /// Offset of the record's first byte in its (decompressed) file, for the drop message.
    public var byteOffset = 0

    /// Why an oversized record is dropped (and, in strict mode, the error). `option` names the limit's property
    /// (`CorpusBuildOptions.maxRecordBytes`, `AuditOptions.maxRecordBytes`), never a CLI flag; the CLI shows its flag.
    public func oversizeMessage(limit: Int, option: String) -> String {
        "record of \(oversize) bytes starting at byte \(byteOffset) is over the record size limit of \(limit) bytes (\(option))"
    }
}

/// A batch of raw records sharing one byte buffer (one allocation per batch, not per record).
public struct RawBatch: Sendable {
    public var storage: [UInt8] = []
    public var records: [RawRecord] = []
    public init() {}
    public var isEmpty: Bool { records.isEmpty }
}
