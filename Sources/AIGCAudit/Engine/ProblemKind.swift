/// Kinds of findings. Raw values are the `kind` of each entry of `findings` in the JSON report.
public enum ProblemKind: String, Sendable, CaseIterable, Codable {
    case malformedRecord = "malformed_record"
    case invalidUTF8 = "invalid_utf8"
    case bidi
    case zeroWidth = "zero_width"
    case otherControl = "other_control"
    case replacementCharacter = "replacement_character"
    case nfkcWouldChange = "nfkc_would_change"
    case longRun = "long_run"
    case emptyTurn = "empty_turn"
    case roleOrder = "role_order"
    case exactDuplicate = "exact_duplicate"
    case nearDuplicate = "near_duplicate"
    case pii
    case contaminated
    case overSeqLen = "over_seq_len"
    case normalizationFailed = "normalization_failed"

    /// Index in `allCases` (declaration order), for bit masks and per-kind arrays on hot paths.
    package var ordinal: Int {
        switch self {
        case .malformedRecord: return 0
        case .invalidUTF8: return 1
        case .bidi: return 2
        case .zeroWidth: return 3
        case .otherControl: return 4
        case .replacementCharacter: return 5
        case .nfkcWouldChange: return 6
        case .longRun: return 7
        case .emptyTurn: return 8
        case .roleOrder: return 9
        case .exactDuplicate: return 10
        case .nearDuplicate: return 11
        case .pii: return 12
        case .contaminated: return 13
        case .overSeqLen: return 14
        case .normalizationFailed: return 15
        }
    }

    public var severity: String {
        switch self {
        case .malformedRecord, .invalidUTF8, .bidi, .contaminated, .pii, .normalizationFailed: return "error"
        case .nfkcWouldChange: return "info"
        default: return "warning"
        }
    }

    public var unit: String {
        switch self {
        case .emptyTurn: return "turns"
        case .pii: return "occurrences"
        case .malformedRecord: return "records"
        default: return "documents"
        }
    }

    public var message: String {
        switch self {
        case .malformedRecord: return "Records that could not be parsed in the input format (not audited further)."
        case .invalidUTF8: return "Documents with bytes that are not valid UTF-8."
        case .bidi: return "Documents with bidirectional control characters (overrides/isolates/marks): a known prompt-injection and spoofing vector."
        case .zeroWidth: return "Documents with zero-width characters (U+200B–200D, U+2060): invisible text, watermarks or spoofing."
        case .otherControl: return "Documents with other control or format characters (C0/C1 controls, BOM, soft hyphen, …)."
        case .replacementCharacter: return "Documents containing U+FFFD: text already damaged by a lossy decode upstream."
        case .nfkcWouldChange: return "Documents NFKC normalization would change (compatibility characters, fullwidth forms, ligatures)."
        case .longRun: return "Documents with a very long run of one character."
        case .emptyTurn: return "Empty or whitespace-only turns (or documents) after normalization."
        case .roleOrder: return "Conversations not in the order: optional system, then user/assistant alternating, ending with assistant."
        case .exactDuplicate: return "Documents equal, after normalization, to an earlier document."
        case .nearDuplicate: return "Near duplicates (MinHash-LSH over word 5-grams) of an earlier document."
        case .pii: return "Personal data: e-mail addresses, phone numbers, IP addresses, credit-card-like numbers (occurrences)."
        case .contaminated: return "Documents sharing a word n-gram with an evaluation item (AuditOptions.against)."
        case .overSeqLen: return "Documents with more tokens than AuditOptions.seqLen (truncation would lose tokens)."
        case .normalizationFailed: return "Documents the configured normalizer failed on (e.g. a regex step over ICU's limits): audited as they are, not normalized."
        }
    }
}
