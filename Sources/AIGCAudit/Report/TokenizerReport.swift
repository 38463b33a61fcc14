/// How well the tokenizer fits the data (per-script fertility and compression are in `scripts`).
public struct TokenizerReport: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String
    public var vocabularySize: Int
    public var tokens: UInt64
    /// Distinct ids seen.
    public var idsUsed: Int
    /// `ids_used / vocabulary_size`.
    public var vocabularyCoverage: Double
    /// Tokens that are one byte (byte fallbacks, single characters): a high share means poor fit.
    public var singleByteTokens: UInt64
    public var singleByteTokenShare: Double
    /// Ids seen exactly once, and ids seen fewer than `rare_threshold` times.
    public var idsSeenOnce: Int
    public var rareThreshold: Int
    public var rareIds: Int
    /// A few of the rarest ids seen (lowest count, then lowest id).
    public var rarestTokens: [TokenCount]
    /// The most frequent ids.
    public var topTokens: [TokenCount]

    enum CodingKeys: String, CodingKey {
        case name, sha256, vocabularySize = "vocabulary_size", tokens, idsUsed = "ids_used"
        case vocabularyCoverage = "vocabulary_coverage", singleByteTokens = "single_byte_tokens"
        case singleByteTokenShare = "single_byte_token_share", idsSeenOnce = "ids_seen_once"
        case rareThreshold = "rare_threshold", rareIds = "rare_ids", rarestTokens = "rarest_tokens"
        case topTokens = "top_tokens"
    }
}

public struct TokenCount: Codable, Sendable, Equatable {
    public var id: UInt32
    /// The token's bytes as text (invalid UTF-8 shown as `\xNN`).
    public var text: String
    public var count: UInt64
}
