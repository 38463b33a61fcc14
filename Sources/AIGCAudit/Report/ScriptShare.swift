/// One Unicode script (ICU, ISO 15924 code such as `Latn`, `Cyrl`, `Hani`; `Zyyy` = common characters such as
/// digits and punctuation; `Zinh` = inherited marks) and its share of the characters.
public struct ScriptShare: Codable, Sendable, Equatable {
    public var script: String
    public var chars: UInt64
    /// `chars / Σ chars`, whitespace excluded.
    public var share: Double
    /// Documents in which this is the most frequent script other than Common/Inherited.
    public var documents: UInt64
    /// Words whose first letter is in this script.
    public var words: UInt64
    /// Tokens attributed to this script (the script of the first non-Common scalar the token's bytes touch;
    /// tokens touching only Common/Inherited scalars count as `Zyyy`). 0 without a tokenizer.
    public var tokens: UInt64
    /// Bytes of the tokens attributed to this script.
    public var tokenBytes: UInt64
    /// Compression: `token_bytes / tokens` (null without a tokenizer).
    @NullEncoded public var bytesPerToken: Double? = nil
    /// Fertility: `tokens / words` (null without a tokenizer or words, and for `Zyyy`/`Zinh`, whose tokens are
    /// mostly spaces and punctuation while their words are only digit runs).
    @NullEncoded public var tokensPerWord: Double? = nil

    enum CodingKeys: String, CodingKey {
        case script, chars, share, documents, words, tokens, tokenBytes = "token_bytes"
        case bytesPerToken = "bytes_per_token", tokensPerWord = "tokens_per_word"
    }
}
