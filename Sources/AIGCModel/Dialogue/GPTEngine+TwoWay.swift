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
        // One position per group: the pooled loss and gradient reduce to exactly this (n = 1).
        var groups: [Int: [Int]] = [:]
        for (i, y) in (batch.targets ?? []).enumerated() where y >= 0 && Int(y) < model.config.vocabSize { groups[i] = [i] }
        return accumulatePooledTwoWayGradients(batch, classes: a, b, groups: groups, lossScale: lossScale, dropoutSeed: dropoutSeed)
    }
}

extension GPTEngine {
    /// The pooled variant of `accumulateTwoWayGradients`: the counted positions form groups (one per sequence,
    /// `group[index]` for each counted index of `batch.targets`, all of a group's targets the same class), and a
    /// group's classifier input is the mean logit difference over its positions,
    /// `d̄ = (1/n) Σ_t (h_t·e_a − h_t·e_b)` — a linear head on mean-pooled hidden states. Its loss is
    /// `softplus(−d̄)` for class a, `softplus(d̄)` for b, so each position's logit gradient is `±∂L/∂d̄ / n` on the
    /// two logits (rewritten into the row as in the unpooled case; n = 1 gives exactly that case). Returns the
    /// sum of the groups' losses, the number of groups, and `d̄` at every counted position of each group.
    @discardableResult
    package func accumulatePooledTwoWayGradients(_ batch: TokenBatch, classes a: Int32, _ b: Int32, groups: [Int: [Int]],
                                                 lossScale: Float, dropoutSeed: UInt64) -> (sum: Double, count: Int, differences: [Double]) {
        let V = model.config.vocabSize, ia = Int(a), ib = Int(b)
        precondition(ia != ib && (0..<V).contains(ia) && (0..<V).contains(ib), "two-way classes must be two tokens of the vocabulary")
        var differences = [Double](repeating: 0, count: batch.inputs.count)
        let result = differences.withUnsafeMutableBufferPointer { out in
            let out = out
            return accumulateGradients(batch, lossScale: lossScale, dropoutSeed: dropoutSeed) { ws, n, index, row, y in
                precondition(y == ia || y == ib, "two-way target \(y) at index \(index) is neither class \(ia) nor \(ib)")
                guard let members = groups[index] else { preconditionFailure("counted index \(index) belongs to no group") }
                var d = 0.0
                for m in members { d += self.logitDifference(ws, row: n + (m - index), ia, ib) }
                d /= Double(members.count)
                out[index] = d
                let q = GANLoss.sigmoid(d), k = Double(members.count)
                let g = (y == ia ? q - 1 : q) / k  // ∂L/∂d̄ / n: the gradient on logit a; minus it on logit b
                for j in 0..<V { row[j] = 0 }
                row[ia] = Float(g + (y == ia ? 1 : 0))
                row[ib] = Float(-g + (y == ib ? 1 : 0))
                // The group's loss, once (at its last position), so the sum counts each sequence once.
                guard index == members.last else { return 0 }
                return y == ia ? GANLoss.softplus(-d) : GANLoss.softplus(d)
            }
        }
        let groupCount = Set(groups.values.compactMap(\.last)).count
        return (result.sum, groupCount, differences)
    }
}
