import AIGCCore

/// The pre-tokenization regex of an encoding. The three known patterns have hand-written scanners over UTF-8 bytes
/// that match tiktoken's (Rust `fancy-regex`) and HF's (Oniguruma) results exactly; any other pattern runs on ICU's
/// regex engine.
public enum PreTokenizerPattern: Sendable, Equatable, Hashable {
    /// GPT-2 / r50k_base / p50k_base, and HF's `ByteLevel(use_regex: true)` pattern (the two are equivalent).
    case gpt2
    /// cl100k_base.
    case cl100k
    /// o200k_base.
    case o200k
    /// Any other regex (ICU syntax, which accepts the Rust/Oniguruma patterns used by tokenizers in practice).
    case custom(String)

    /// tiktoken's pattern strings, verbatim from `tiktoken_ext/openai_public.py`.
    public static let gpt2Regex = #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#
    /// HF tokenizers' `ByteLevel` pre-tokenizer regex.
    public static let hfByteLevelRegex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    public static let cl100kRegex =
        #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#
    public static let o200kRegex = [
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"\p{N}{1,3}"#,
        #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
        #"\s*[\r\n]+"#,
        #"\s+(?!\S)"#,
        #"\s+"#,
    ].joined(separator: "|")

    /// The regex text of this pattern (for `tokenizer.json` and the ICU path).
    public var regex: String {
        switch self {
        case .gpt2: return PreTokenizerPattern.gpt2Regex
        case .cl100k: return PreTokenizerPattern.cl100kRegex
        case .o200k: return PreTokenizerPattern.o200kRegex
        case .custom(let r): return r
        }
    }

    /// Recognizes the known patterns from their regex text (tiktoken's or HF's spelling), else `.custom`.
    public static func recognizing(_ regex: String) -> PreTokenizerPattern {
        switch regex {
        case gpt2Regex, hfByteLevelRegex, #"'s|'t|'re|'ve|'m|'ll|'d| ?[\p{L}]+| ?[\p{N}]+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#:
            return .gpt2
        case cl100kRegex, #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
            return .cl100k
        case o200kRegex: return .o200k
        default: return .custom(regex)
        }
    }

    /// Parses a CLI/user name: `gpt2`, `r50k`, `p50k`, `cl100k`, `o200k`, else the text is a regex.
    public init(name: String) {
        switch name {
        case "gpt2", "r50k", "p50k", "r50k_base", "p50k_base", "bytelevel", "byte-level": self = .gpt2
        case "cl100k", "cl100k_base": self = .cl100k
        case "o200k", "o200k_base": self = .o200k
        default: self = PreTokenizerPattern.recognizing(name)
        }
    }
}

/// Splits text into pre-tokens (the pieces BPE runs on independently).
public protocol PreTokenizer: Sendable {
    /// Calls `body` with the byte range of each pre-token of valid UTF-8 `text`, in order. The ranges are
    /// non-empty and, for the built-in patterns, cover the text exactly. Invalid UTF-8 never crashes (each bad byte
    /// is treated as a symbol) but has no defined tokenization.
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void)
    /// The first failure of a split so far (a user pattern that exceeded the regex engine's time or stack limit),
    /// which made that split's ranges incomplete; `Tokenizer.checkPreTokenizer()` throws it.
    var failure: AIGCError? { get }
}

extension PreTokenizer {
    public var failure: AIGCError? { nil }
}

extension PreTokenizer {
    /// All pre-token ranges of `text` (convenience for tests and tools; the encoder uses `split`).
    public func ranges(_ text: String) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var s = text
        s.withUTF8 { p in split(p) { out.append($0) } }
        return out
    }

    /// All pre-tokens of `text` as strings.
    public func pieces(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return ranges(text).map { String(decoding: bytes[$0], as: UTF8.self) }
    }
}

/// Makes the pre-tokenizer of a pattern: hand-written scanners for the three known patterns, ICU `uregex` for any
/// other (an invalid regex is an `AIGCError.usage` naming the offset).
public func makePreTokenizer(_ p: PreTokenizerPattern) throws -> any PreTokenizer {
    switch p {
    case .gpt2: return GPT2Scanner()
    case .cl100k: return CL100kScanner()
    case .o200k: return O200kScanner()
    case .custom(let r): return try RegexPreTokenizer(pattern: r)
    }
}
