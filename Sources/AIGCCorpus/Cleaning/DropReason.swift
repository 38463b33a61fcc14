/// Why a record was not kept. Raw values are the keys of `dropped` in `manifest.json` and the `reason` field of
/// `rejects.jsonl`: stable names, documented in docs/corpus.md.
public enum DropReason: String, Sendable, Codable, CaseIterable, Comparable {
    /// Not valid JSON (or not one JSON value per line).
    case malformedJSON = "malformed_json"
    /// Valid JSON but not the format's shape: missing fields, wrong types.
    case schema
    /// A role the format does not define.
    case unknownRole = "unknown_role"
    /// Invalid UTF-8 bytes or unpaired surrogate escapes (with `--invalid-utf8 drop`, the default).
    case invalidUTF8 = "invalid_utf8"
    /// A turn (or the document) is empty or whitespace-only after normalization.
    case emptyTurn = "empty_turn"
    /// A `jsonl`/`text` document is empty or whitespace-only after normalization.
    case emptyDocument = "empty_document"
    /// Not: optional system first, then user/assistant alternating, ending with assistant.
    case roleOrder = "role_order"
    /// Shares a 13-gram of words with a `--decontaminate` evaluation file.
    case contaminated
    /// Normalized content equal to an earlier record's.
    case exactDuplicate = "exact_duplicate"
    /// MinHash-LSH near duplicate of an earlier record.
    case nearDuplicate = "near_duplicate"
    /// Fewer tokens than `--min-tokens`.
    case tooShort = "too_short"
    /// More tokens than `--max-tokens`.
    case tooLong = "too_long"
    /// Longer than `--seq-len` with `--overlong drop` (or not truncatable to a trained prefix).
    case overlong
    /// Nothing left to train on (every assistant turn has `weight: 0`).
    case noTrainedTokens = "no_trained_tokens"
    /// The normalizer failed on the record's text (e.g. a user regex over its time limit): never kept un-normalized.
    /// Last in the list, so the document log's reason codes (indices) stay as they were.
    case normalizationFailed = "normalization_failed"
    /// Over `--max-record-bytes`: never held in memory whole (skipped while reading). Appended after the others
    /// for the same reason.
    case recordTooLarge = "record_too_large"

    public static func < (a: DropReason, b: DropReason) -> Bool { a.rawValue < b.rawValue }
}
