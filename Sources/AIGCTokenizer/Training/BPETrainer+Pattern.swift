import Foundation

extension PreTokenizerPattern {
    /// `gpt2`, `cl100k`, `o200k` (also with `_base`), or any other text as a regex.
    public init(trainingName name: String) {
        switch name {
        case "gpt2", "r50k_base", "p50k_base": self = .gpt2
        case "cl100k", "cl100k_base": self = .cl100k
        case "o200k", "o200k_base": self = .o200k
        default: self = .custom(name)
        }
    }

    /// The regex as HF tokenizers must read it to split like we do. Oniguruma (HF's engine) reads `{1,3}+`
    /// as a repeated group — any number of digits — where tiktoken means a possessive `{1,3}`; plain `{1,3}`
    /// means the same in both here (nothing after it can backtrack into it).
    public var hfRegex: String {
        self == .cl100k ? regex.replacingOccurrences(of: #"\p{N}{1,3}+"#, with: #"\p{N}{1,3}"#) : regex
    }

    /// The name recorded in `training.json`.
    var trainingName: String {
        switch self {
        case .gpt2: return "gpt2"
        case .cl100k: return "cl100k"
        case .o200k: return "o200k"
        case .custom: return "custom"
        }
    }
}

extension BPETrainer {
    /// Trains on `files` pre-tokenized with `pattern`. `.gpt2` is written into `tokenizer.json` as HF's
    /// `ByteLevel` pre-tokenizer (its regex is equivalent to GPT-2's); the others as a `Split` on the regex
    /// followed by `ByteLevel` without its regex.
    public func train(files: [String], pattern: PreTokenizerPattern,
                      countingProgress: (@Sendable (Int) -> Void)? = nil,
                      mergeProgress: ((Int) -> Void)? = nil) throws -> BPETrainingRun {
        let pre = try makePreTokenizer(pattern)
        let splitRegex: String? = pattern == .gpt2 ? nil : pattern.hfRegex
        var run = try train(files: files, split: { text, body in pre.split(text, body) }, splitRegex: splitRegex,
                            countingProgress: countingProgress, mergeProgress: mergeProgress)
        run.patternName = pattern.trainingName
        return run
    }
}
