import AIGCFormats

/// Where kept documents go, in order. Implementations: `TensorShardOutput` (safetensors/npy rows),
/// `MegatronOutput`, `NanoGPTOutput`.
public protocol CorpusOutput: AnyObject {
    func add(_ doc: TokenizedDocument, split: Split) throws
    /// Flushes and closes everything; returns the files written.
    func finish() throws -> [WrittenFile]
    var stats: [Split: DatasetManifest.SplitStats] { get }
}
