import Foundation

/// Loss over every trained token of a packed corpus split (one deterministic pass, no sampling): the
/// validation perplexity that fine-tuning reports and adversarial training guards.
public enum CorpusEvaluation {
    public static func meanLoss(engine: GPTEngine, corpus: PackedCorpus, batchSize: Int) -> (loss: Double, tokens: Int) {
        var sum = 0.0, count = 0
        var r = 0
        while r < corpus.rows {
            let rows = Array(r ..< min(corpus.rows, r + batchSize))
            let res = engine.loss(corpus.batch(rows: rows))
            sum += res.sum; count += res.count
            r += batchSize
        }
        return (count > 0 ? sum / Double(count) : .nan, count)
    }

    public static func perplexity(engine: GPTEngine, corpus: PackedCorpus, batchSize: Int) -> Double {
        exp(meanLoss(engine: engine, corpus: corpus, batchSize: batchSize).loss)
    }
}
