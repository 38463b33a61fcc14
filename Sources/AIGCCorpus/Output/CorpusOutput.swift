import AIGCFormats

/// Where kept documents go, in order. Implementations: `TensorShardOutput` (safetensors/npy rows),
/// `MegatronOutput`, `NanoGPTOutput`.
public protocol CorpusOutput: AnyObject {
    func add(_ doc: TokenizedDocument, split: Split) throws
    /// Flushes and closes everything; returns the files written.
    func finish() throws -> [WrittenFile]
    var stats: [Split: DatasetManifest.SplitStats] { get }
    /// True when a checkpoint now would be worthwhile (a shard file was just completed, or much was streamed).
    var wantsCheckpoint: Bool { get }
    /// Makes everything durable and returns the state to resume from.
    func checkpoint() throws -> OutputCheckpoint
}
