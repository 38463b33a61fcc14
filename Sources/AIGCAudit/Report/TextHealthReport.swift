/// Text health: counts of documents (or turns) with each problem.
public struct TextHealthReport: Codable, Sendable, Equatable {
    /// Documents containing bytes that are not valid UTF-8.
    public var invalidUTF8Documents: UInt64 = 0
    /// Documents that NFKC normalization would change (compatibility characters such as fullwidth forms,
    /// ligatures, or text not in NFC).
    public var nfkcWouldChangeDocuments: UInt64 = 0
    /// Documents containing control or format characters, by class.
    public var controlCharacters = ControlCharacterCounts()
    /// Documents containing U+FFFD (text already damaged by a lossy decode upstream).
    public var replacementCharacterDocuments: UInt64 = 0
    /// Documents with a run of one character at least `long_run_threshold` long.
    public var longRunDocuments: UInt64 = 0
    public var longRunThreshold: Int = 0
    /// Turns (or documents) empty or whitespace-only.
    public var emptyTurns: UInt64 = 0
    /// Conversations not in the order: optional system, then user/assistant alternating, ending with assistant.
    public var roleOrderErrors: UInt64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case invalidUTF8Documents = "invalid_utf8_documents", nfkcWouldChangeDocuments = "nfkc_would_change_documents"
        case controlCharacters = "control_characters", replacementCharacterDocuments = "replacement_character_documents"
        case longRunDocuments = "long_run_documents", longRunThreshold = "long_run_threshold", emptyTurns = "empty_turns"
        case roleOrderErrors = "role_order_errors"
    }
}

/// Documents containing: bidi controls (U+202A–202E, U+2066–2069, LRM/RLM/ALM — a known injection vector),
/// zero-width characters (U+200B–200D, U+2060), other format (Cf, incl. BOM) or control (Cc except tab, LF, CR).
public struct ControlCharacterCounts: Codable, Sendable, Equatable {
    public var bidi: UInt64 = 0
    public var zeroWidth: UInt64 = 0
    public var other: UInt64 = 0

    enum CodingKeys: String, CodingKey { case bidi, zeroWidth = "zero_width", other }
}
