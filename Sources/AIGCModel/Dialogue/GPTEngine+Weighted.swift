extension GPTEngine {
    /// Forward and backward over `batch` accumulating the gradient of `Σ_n weights[n] · CE_n · lossScale`, i.e.
    /// each counted token's cross-entropy weighted by its own factor (negative allowed): the policy-gradient
    /// loss `−Σ A_t log π(y_t)` of REINFORCE is this with `weights = A`. `weights` is aligned with
    /// `batch.targets` (`[B·T]`). Returns the unweighted cross-entropy sum and the count.
    ///
    /// Replacing each counted probability row p by `w·p + (1 − w)·onehot(y)` makes the engine's
    /// `(p − onehot(y))·scale` backward yield `w·(p − onehot(y))·scale` (`accumulateGradients(rewritingRows:)`).
    @discardableResult
    public func accumulateWeightedGradients(_ batch: TokenBatch, weights: [Float], lossScale: Float, dropoutSeed: UInt64) -> (sum: Double, count: Int) {
        precondition(training && weights.count == batch.inputs.count && batch.targets != nil)
        let V = model.config.vocabSize
        return accumulateGradients(batch, lossScale: lossScale, dropoutSeed: dropoutSeed) { ws, n, index, row, y in
            let w = weights[index]
            for j in 0..<V { row[j] *= w }
            row[y] += 1 - w
            return Double(ws.losses[n])
        }
    }
}
