extension GPTEngine {
    /// Forward and backward over `batch` for a two-way classifier read from the LM head, as a sequence classifier
    /// on label tokens: every counted target must be `a` or `b`, and its position's loss is binary cross-entropy
    /// on the logit difference `d = h·e_a − h·e_b`, i.e. the cross-entropy of the softmax over those two logits
    /// only: `softplus(−d)` for target `a`, `softplus(d)` for `b`. The other V − 2 logits get no gradient, so no
    /// update is spent making the label tokens likely against the language tokens (which full-vocabulary
    /// cross-entropy on the same targets does first, see docs/gan.md).
    ///
    /// The rewrite (`accumulateGradients(rewritingRows:)`) leaves `q_a = σ(d)` at a, `1 − q_a` at b and 0
    /// elsewhere; the engine's `(row − onehot(y))·scale` backward is then exactly `(q − onehot(y))·scale` on the
    /// two logits. Returns the loss sum, the count, and `d` before the update for every counted position (aligned
    /// with `batch.targets`, 0 elsewhere).
    @discardableResult
    package func accumulateTwoWayGradients(_ batch: TokenBatch, classes a: Int32, _ b: Int32, lossScale: Float,
                                           dropoutSeed: UInt64) -> (sum: Double, count: Int, differences: [Double]) {
        let V = model.config.vocabSize, ia = Int(a), ib = Int(b)
        precondition(ia != ib && (0..<V).contains(ia) && (0..<V).contains(ib), "two-way classes must be two tokens of the vocabulary")
        var differences = [Double](repeating: 0, count: batch.inputs.count)
        let result = differences.withUnsafeMutableBufferPointer { out in
            let out = out
            return accumulateGradients(batch, lossScale: lossScale, dropoutSeed: dropoutSeed) { ws, n, index, row, y in
                precondition(y == ia || y == ib, "two-way target \(y) at index \(index) is neither class \(ia) nor \(ib)")
                let d = self.logitDifference(ws, row: n, ia, ib)
                out[index] = d
                let qa = GANLoss.sigmoid(d)
                for j in 0..<V { row[j] = 0 }
                row[ia] = Float(qa)
                row[ib] = Float(1 - qa)
                return y == ia ? GANLoss.softplus(-d) : GANLoss.softplus(d)
            }
        }
        return (result.sum, result.count, differences)
    }
}
