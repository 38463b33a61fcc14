import AIGCFormats

/// The state of a `CorpusOutput` at a checkpoint: completed files, unfinished rows, stream lengths — all an
/// interrupted build needs to continue and end byte-identical to an uninterrupted one.
public struct OutputCheckpoint: Codable, Sendable, Equatable {
    public var files: [DatasetManifest.FileEntry] = []
    public var shardCounts: [String: Int] = [:]
    public var packers: [String: Packer] = [:]
    public var blocks: [String: RowBlock] = [:]
    /// Durable length of each streamed file (by file name).
    public var streamLengths: [String: Int] = [:]
    /// Megatron sequence lengths so far, per split.
    public var lengths: [String: [Int32]] = [:]
    public var stats: [String: DatasetManifest.SplitStats] = [:]
    public init() {}
}
