/// Length distributions. Token distributions are `null` without `--tokenizer`.
public struct DistributionsReport: Codable, Sendable, Equatable {
    public var charsPerDocument: DistributionSummary
    public var turnsPerDocument: DistributionSummary
    @NullEncoded public var tokensPerDocument: DistributionSummary? = nil
    @NullEncoded public var tokensPerTurn: DistributionSummary? = nil

    enum CodingKeys: String, CodingKey {
        case charsPerDocument = "chars_per_document", turnsPerDocument = "turns_per_document"
        case tokensPerDocument = "tokens_per_document", tokensPerTurn = "tokens_per_turn"
    }
}

/// Documents longer than `--seq-len` tokens and the tokens truncating them to it would lose.
public struct SeqLenReport: Codable, Sendable, Equatable {
    public var seqLen: Int
    public var documentsLonger: UInt64
    public var shareLonger: Double
    public var tokensTruncated: UInt64

    enum CodingKeys: String, CodingKey {
        case seqLen = "seq_len", documentsLonger = "documents_longer", shareLonger = "share_longer"
        case tokensTruncated = "tokens_truncated"
    }
}
