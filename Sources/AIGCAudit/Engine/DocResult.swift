import AIGCCorpus

/// What the parallel stage found in one record, for the in-order stage (duplicates, examples, contamination
/// tallies). Small: text is not kept, only a short preview.
struct DocResult: Sendable {
    var fileIndex: Int
    var line: Int
    /// Parse failure ("reason: message"); nothing else is set then.
    var malformed: String?
    /// Problems present, and an example for each (in `ProblemKind.allCases` order); no example for a kind whose
    /// examples were all taken before this document's batch was analysed (it could never be listed).
    var problems: [(kind: ProblemKind, example: FindingExample?)] = []
    var emptyTurns = 0
    var hash = ContentHash(high: 0, low: 0)
    var bandKeys: [UInt64] = []
    /// Occurrences per PII kind (email, phone, ip, credit_card) and up to one redacted example per kind.
    var pii: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var piiExamples: [PIIExample] = []
    var contamination: [UInt32] = []
    var tokens = 0
    /// The first bytes of the document's first non-blank turn (normalized): enough for `preview`, which is built
    /// only when a report needs it (few documents are examples).
    var previewBytes: [UInt8] = []

    /// The start of the document (normalized, made visible, redacted): the first 100 bytes, as
    /// `Excerpt.around(turn, offset: 0, before: 0, after: 100)` of the whole turn would give (it never looks past
    /// byte 103, and `previewBytes` holds 104 when the turn is longer).
    var preview: String { Excerpt.around(previewBytes, offset: 0, before: 0, after: 100) }
    static let previewLength = 104

    init(fileIndex: Int, line: Int) { self.fileIndex = fileIndex; self.line = line }

    func has(_ k: ProblemKind) -> Bool { problems.contains { $0.kind == k } }
}
