import AIGCTokenizer

/// The corpus builder's tokenizer argument: `bytes` (one id per byte: tiny, for tests and byte-level models), else
/// whatever `Tokenizer.resolve` accepts (a named encoding, then a tokenizer file).
public enum CorpusTokenizerSpec {
    public static func resolve(_ spec: String) throws -> any CorpusTokenizer {
        if spec == "bytes" { return ByteLevelTokenizer() }
        return try Tokenizer.resolve(spec)
    }
}
