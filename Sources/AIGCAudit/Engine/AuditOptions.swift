import AIGCCore
import AIGCCorpus
import AIGCText
import AIGCTokenizer
import Foundation

/// What to audit and how. Defaults match `aigc corpus build` (normalizer, MinHash parameters, 13-grams), so the
/// audit predicts what a build would drop.
public struct AuditOptions: Sendable {
    public var inputs: [String]
    public var inputFormat: InputFormat
    public var textField = "text"
    /// Applied before duplicate, PII, contamination, n-gram and token analysis (health checks see the raw text).
    public var normalizer = CorpusBuildOptions.defaultNormalizer
    public var normalizerName = "default (newlines, remove-control, nfc)"
    public var tokenizer: Tokenizer?
    public var seqLen: Int?
    /// Evaluation files for contamination (JSONL: every string of a line is one item's text; else one item per line).
    public var against: [String] = []
    public var contaminationNgram = 13
    public var threads = Limits.cores
    /// A run of one character at least this long is reported.
    public var longRunThreshold = 64
    public var examplesPerFinding = 5
    /// Entries listed for top n-grams and repeated lines.
    public var topK = 25
    /// Keys kept per frequency summary (n-grams of each order, lines) before lossy-counting pruning: memory vs.
    /// accuracy of the tail (about 50 bytes per key).
    public var summaryCapacity = 100_000
    public var clustersListed = 10
    public var shingleSize = 5
    public var bands = 14
    public var rows = 8
    /// Ids seen fewer than this many times count as rare.
    public var rareThreshold = 10
    /// Records per batch (memory bound: one batch of raw records and results in flight).
    public var batchRecords = 4096
    public var batchBytes = 2 << 20
    /// Records over this many bytes are not analysed (nor held in memory whole): each is a `malformed_record`
    /// finding naming its size and byte offset, as `aigc corpus build` drops it as `record_too_large`.
    public var maxRecordBytes = CorpusBuildOptions.defaultMaxRecordBytes

    public init(inputs: [String], inputFormat: InputFormat) {
        self.inputs = inputs
        self.inputFormat = inputFormat
    }
}
