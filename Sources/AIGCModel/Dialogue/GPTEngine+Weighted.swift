extension GPTEngine {
    /// Forward and backward over `batch` accumulating the gradient of `Σ_n weights[n] · CE_n · lossScale`, i.e.
    /// each counted token's cross-entropy weighted by its own factor (negative allowed): the policy-gradient
    /// loss `−Σ A_t log π(y_t)` of REINFORCE is this with `weights = A`. `weights` is aligned with
    /// `batch.targets` (`[B·T]`).
    ///
    /// The engine's backward computes `(p − onehot(y))·scale` from the probabilities the forward leaves behind;
    /// replacing each counted row p by `w·p + (1 − w)·onehot(y)` beforehand turns that into `w·(p − onehot(y))·scale`,
    /// so the weighted gradient reuses the engine's kernels unchanged.
    @discardableResult
    public func accumulateWeightedGradients(_ batch: TokenBatch, weights: [Float], lossScale: Float, dropoutSeed: UInt64) -> (sum: Double, count: Int) {
        precondition(training && weights.count == batch.inputs.count && batch.targets != nil)
        let params = UnsafePointer(model.params.pointer)
        let V = model.config.vocabSize, T = batch.time
        return eachShard(batch) { s, rows, ws in
            var rng = self.dropoutRNG(dropoutSeed, shard: s)
            let result = ws.forward(params: params, rng: &rng)
            let base = rows.lowerBound * T
            for n in 0..<(rows.count * T) {
                let y = Int(ws.targets[n])
                guard y >= 0 && y < V else { continue }
                let w = weights[base + n]
                let row = ws.logits + n * V
                for j in 0..<V { row[j] *= w }
                row[y] += 1 - w
            }
            ws.backward(params: params, lossScale: lossScale)
            return result
        }
    }
}
