import AIGCCorpus

/// What the parallel stage found in one record, for the in-order stage (duplicates, examples, contamination
/// tallies). Small: text is not kept, only a short preview.
struct DocResult: Sendable {
    var fileIndex: Int
    var line: Int
    /// Parse failure ("reason: message"); nothing else is set then.
    var malformed: String?
    /// Problems present, and an example for each (in `ProblemKind.allCases` order).
    var problems: [(kind: ProblemKind, example: FindingExample)] = []
    var emptyTurns = 0
    var hash = ContentHash(high: 0, low: 0)
    var bandKeys: [UInt64] = []
    /// Occurrences per PII kind (email, phone, ip, credit_card) and up to one redacted example per kind.
    var pii: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var piiExamples: [PIIExample] = []
    var contamination: [UInt32] = []
    var tokens = 0
    /// The start of the document (normalized, made visible, redacted).
    var preview = ""

    init(fileIndex: Int, line: Int) { self.fileIndex = fileIndex; self.line = line }

    func has(_ k: ProblemKind) -> Bool { problems.contains { $0.kind == k } }
}
