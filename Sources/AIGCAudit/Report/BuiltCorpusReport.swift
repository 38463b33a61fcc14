/// What the tensors of a directory built by `aigc corpus build` hold, read back from the files (not trusted from
/// the manifest): per split, rows and token positions, padding, trained tokens, and label sanity checks.
public struct BuiltCorpusReport: Codable, Sendable, Equatable {
    public var directory: String
    public var outputFormat: String
    public var seqLen: Int
    public var packing: String
    public var recordsIn: UInt64
    public var recordsKept: UInt64
    public var dropped: [String: UInt64]
    public var splits: [SplitTensorStats]
    /// Σ trained tokens / Σ non-padding tokens.
    public var trainedTokenFraction: Double
    /// Σ padding positions / Σ positions.
    public var paddingWaste: Double
    /// Σ non-padding positions / Σ positions (1 − padding waste).
    public var packingEfficiency: Double
    public var labelSanity: LabelSanity

    enum CodingKeys: String, CodingKey {
        case directory, outputFormat = "output_format", seqLen = "seq_len", packing, recordsIn = "records_in"
        case recordsKept = "records_kept", dropped, splits, trainedTokenFraction = "trained_token_fraction"
        case paddingWaste = "padding_waste", packingEfficiency = "packing_efficiency", labelSanity = "label_sanity"
    }
}

public struct SplitTensorStats: Codable, Sendable, Equatable {
    public var split: String
    public var files: Int
    public var rows: UInt64
    /// Token positions (rows × seq_len for row layouts; tokens for streams).
    public var positions: UInt64
    /// Positions holding a real token (segment id ≠ 0).
    public var tokens: UInt64
    public var paddingTokens: UInt64
    public var trainedTokens: UInt64
    /// Conversations/documents (segments) in the split.
    public var segments: UInt64
    /// Tokens per manifest for this split (to compare with `tokens`).
    public var manifestTokens: UInt64?

    enum CodingKeys: String, CodingKey {
        case split, files, rows, positions, tokens, paddingTokens = "padding_tokens", trainedTokens = "trained_tokens"
        case segments, manifestTokens = "manifest_tokens"
    }
}

/// Checks that the labels follow the HF convention: each label is -100 or equals the input id at the same
/// position; padding is never trained; position ids restart at 0 with each segment and count up by one.
public struct LabelSanity: Codable, Sendable, Equatable {
    public var rowsChecked: UInt64 = 0
    public var labelsNotMatchingInput: UInt64 = 0
    public var labelsOnPadding: UInt64 = 0
    public var positionIdErrors: UInt64 = 0
    public var idsOutOfVocabulary: UInt64 = 0
    public var ok: Bool { labelsNotMatchingInput == 0 && labelsOnPadding == 0 && positionIdErrors == 0 && idsOutOfVocabulary == 0 }

    enum CodingKeys: String, CodingKey {
        case rowsChecked = "rows_checked", labelsNotMatchingInput = "labels_not_matching_input"
        case labelsOnPadding = "labels_on_padding", positionIdErrors = "position_id_errors"
        case idsOutOfVocabulary = "ids_out_of_vocabulary", ok
    }

    public init() {}

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rowsChecked, forKey: .rowsChecked)
        try c.encode(labelsNotMatchingInput, forKey: .labelsNotMatchingInput)
        try c.encode(labelsOnPadding, forKey: .labelsOnPadding); try c.encode(positionIdErrors, forKey: .positionIdErrors)
        try c.encode(idsOutOfVocabulary, forKey: .idsOutOfVocabulary); try c.encode(ok, forKey: .ok)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rowsChecked = try c.decode(UInt64.self, forKey: .rowsChecked)
        labelsNotMatchingInput = try c.decode(UInt64.self, forKey: .labelsNotMatchingInput)
        labelsOnPadding = try c.decode(UInt64.self, forKey: .labelsOnPadding)
        positionIdErrors = try c.decode(UInt64.self, forKey: .positionIdErrors)
        idsOutOfVocabulary = try c.decode(UInt64.self, forKey: .idsOutOfVocabulary)
    }
}
