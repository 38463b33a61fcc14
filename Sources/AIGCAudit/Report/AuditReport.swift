import Foundation
import AIGCCore

/// The audit's result, written as `REPORT.json` and rendered as HTML. Keys are stable and documented in
/// docs/audit.md; sections that need an option are `null` without it (`tokenizer`, `seq_len`, `contamination`,
/// `corpus`), never missing. Contains no timestamps or host data: the same inputs give the same bytes.
public struct AuditReport: Codable, Sendable, Equatable {
    public var reportVersion = 1
    public var tool = "aigc \(AIGCVersion.string)"
    public var inputs: [AuditInput] = []
    public var options = AuditOptionsRecord()
    public var volume = VolumeReport()
    public var distributions: DistributionsReport
    @NullEncoded public var seqLen: SeqLenReport? = nil
    public var textHealth = TextHealthReport()
    public var duplicates = DuplicatesReport()
    public var pii = PIIReport()
    public var scripts: [ScriptShare] = []
    @NullEncoded public var tokenizer: TokenizerReport? = nil
    @NullEncoded public var contamination: ContaminationReport? = nil
    public var topNgrams = TopNGramsReport()
    public var repeatedLines: [FrequentItem] = []
    public var findings: [Finding] = []
    /// Present when auditing a directory built by `aigc corpus build`.
    @NullEncoded public var corpus: BuiltCorpusReport? = nil

    public init(distributions: DistributionsReport) { self.distributions = distributions }

    enum CodingKeys: String, CodingKey {
        case reportVersion = "report_version", tool, inputs, options, volume, distributions, seqLen = "seq_len"
        case textHealth = "text_health", duplicates, pii, scripts, tokenizer, contamination
        case topNgrams = "top_ngrams", repeatedLines = "repeated_lines", findings, corpus
    }

    /// Pretty-printed JSON with sorted keys (byte-stable).
    public func jsonData() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try e.encode(self)) + [0x0A]
    }
}

/// One input file: path as given, size and SHA-256 of its bytes.
public struct AuditInput: Codable, Sendable, Equatable {
    public var path: String
    public var bytes: UInt64
    public var sha256: String
}

/// The options the audit ran with (so a report says how it was made).
public struct AuditOptionsRecord: Codable, Sendable, Equatable {
    public var inputFormat = "jsonl"
    public var textField = "text"
    @NullEncoded public var tokenizer: String? = nil
    @NullEncoded public var seqLen: Int? = nil
    public var against: [String] = []
    public var normalization = "nfc+newlines+remove-control"
    public var longRunThreshold = 0
    public var examplesPerFinding = 0

    enum CodingKeys: String, CodingKey {
        case inputFormat = "input_format", textField = "text_field", tokenizer, seqLen = "seq_len", against
        case normalization, longRunThreshold = "long_run_threshold", examplesPerFinding = "examples_per_finding"
    }
}
