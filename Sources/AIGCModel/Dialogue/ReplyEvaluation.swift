import Foundation

/// Reply perplexity of a model on one split of a packed corpus, per token and per word: one deterministic pass
/// over every trained token (the assistant replies with their end-of-turn token), no sampling.
///
/// Per-word perplexity is `exp(total reply NLL / reply words)`: the same total negative log-likelihood in nats
/// (so it does not depend on how the tokenizer cuts words), divided by the number of whitespace-separated words
/// of the replies' text (`countWords`, given the reply's token ids without its end token). Models with different
/// tokenizers compare on it; per-token perplexity compares models of one tokenizer.
public struct ReplyEvaluation: Sendable, Codable, Equatable {
    public var split: String
    public var rows: Int
    public var replies: Int
    /// Trained (scored) tokens, end-of-turn tokens included.
    public var tokens: Int
    public var words: Int
    /// Total negative log-likelihood of the scored tokens, in nats.
    public var nll: Double

    public var meanLoss: Double { tokens > 0 ? nll / Double(tokens) : .nan }
    public var tokenPerplexity: Double { exp(meanLoss) }
    public var wordPerplexity: Double { words > 0 ? exp(nll / Double(words)) : .nan }

    /// Scores `corpus` with `engine` (built for at least `batchSize` rows of `corpus.seqLen`). `endToken` is left
    /// out of the words; `countWords` sees one reply's remaining ids.
    public static func run(engine: GPTEngine, corpus: PackedCorpus, batchSize: Int, endToken: Int32?,
                           countWords: ([Int32]) -> Int) -> ReplyEvaluation {
        var nll = 0.0, tokens = 0, r = 0
        while r < corpus.rows {
            let res = engine.loss(corpus.batch(rows: Array(r ..< min(corpus.rows, r + batchSize))))
            nll += res.sum; tokens += res.count
            r += batchSize
        }
        let pairs = corpus.pairs(maxContext: 0, maxReply: corpus.seqLen)
        var words = 0
        for p in pairs { words += countWords(p.reply.filter { $0 != endToken }) }
        return ReplyEvaluation(split: corpus.split, rows: corpus.rows, replies: pairs.count, tokens: tokens,
                               words: words, nll: nll)
    }

    /// Whitespace-separated words of a text (runs of non-whitespace scalars).
    public static func wordCount(_ text: String) -> Int {
        var n = 0, inWord = false
        for s in text.unicodeScalars {
            let space = s.properties.isWhitespace
            if !space && !inWord { n += 1 }
            inWord = !space
        }
        return n
    }
}
