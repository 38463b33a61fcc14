import AIGCCore
import AIGCText

/// The immutable, shared part of a tokenizer: model, pre-tokenizer and HF pipeline options.
final class TokenizerCore: Sendable {
    let model: BPEModel
    let pattern: PreTokenizerPattern
    let preTokenizer: any PreTokenizer
    /// HF normalizer, applied before pre-tokenization (offsets map back through it).
    let normalizer: TextNormalizer?
    /// HF pipeline details kept for saving and for `add_prefix_space`.
    let hf: HFPipeline
    /// The first normalizer failure of a non-throwing encoder (whose text was then not encoded at all);
    /// `Tokenizer.checkPreTokenizer()` throws it.
    let normalizationFailure = FailureBox()

    init(model: BPEModel, pattern: PreTokenizerPattern, preTokenizer: (any PreTokenizer)? = nil,
         normalizer: TextNormalizer? = nil, hf: HFPipeline = HFPipeline()) throws {
        self.model = model
        self.pattern = pattern
        self.preTokenizer = try preTokenizer ?? makePreTokenizer(pattern)
        self.normalizer = normalizer
        self.hf = hf
    }

    /// Whether a text can be cut at `TextChunker` boundaries with an identical result (the three known scanners
    /// without HF extras).
    var chunkable: Bool {
        guard normalizer == nil, !hf.addPrefixSpace, hf.usesPatternOnly else { return false }
        switch pattern { case .gpt2, .cl100k, .o200k: return true; case .custom: return false }
    }
}

/// HF `tokenizer.json` pipeline options beyond the pattern (defaults = plain tiktoken behaviour).
struct HFPipeline: Sendable, Equatable {
    /// `ByteLevel.add_prefix_space`: a space is prepended to each text segment not starting with one.
    var addPrefixSpace = false
    /// False when the pre-tokenizer is more than the one pattern (e.g. a `Sequence` of `Split`s).
    var usesPatternOnly = true
    /// `ByteLevel.trim_offsets` (kept for saving).
    var trimOffsets = false
    /// Added tokens with their HF flags, by content (for saving and matching).
    var addedTokens: [AddedToken] = []
}

/// An HF added token (`added_tokens` entry).
public struct AddedToken: Sendable, Equatable {
    public var id: UInt32
    public var content: String
    public var special: Bool
    public var singleWord = false
    public var lstrip = false
    public var rstrip = false
    public var normalized = false

    public init(id: UInt32, content: String, special: Bool = true, singleWord: Bool = false, lstrip: Bool = false,
                rstrip: Bool = false, normalized: Bool = false) {
        self.id = id; self.content = content; self.special = special; self.singleWord = singleWord
        self.lstrip = lstrip; self.rstrip = rstrip; self.normalized = normalized
    }
}
