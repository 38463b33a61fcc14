extension GPTEngine {
    /// One home for losses read from the LM head other than plain next-token cross-entropy. Forward over `batch`
    /// (dropout from `dropoutSeed` and the shard), then, for every counted target (row `n` of a shard, index
    /// `index` in `batch.targets`, target `y`), `rewrite(ws, n, index, row, y)` overwrites the position's
    /// probability row (the forward's full-vocabulary softmax) and returns the position's loss; then backward.
    ///
    /// The engine's backward turns each counted row into `(row − onehot(y))·lossScale`, so a rewrite that leaves
    /// `g + onehot(y)` in the row makes `g·lossScale` the logit gradient of that position: any loss whose
    /// gradient with respect to the logits is `g` reuses the engine's kernels unchanged. Leaving the row as it
    /// is gives the plain cross-entropy gradient. `rewrite` runs concurrently for different shards, each on its
    /// own rows and indices. Returns the sum of the returned losses and the number of counted targets.
    @discardableResult
    package func accumulateGradients(_ batch: TokenBatch, lossScale: Float, dropoutSeed: UInt64,
                                     rewritingRows rewrite: @escaping (_ ws: GPTWorkspace, _ n: Int, _ index: Int,
                                                                       _ row: UnsafeMutablePointer<Float>, _ y: Int) -> Double)
        -> (sum: Double, count: Int) {
        precondition(training && batch.targets != nil)
        let params = UnsafePointer(model.params.pointer)
        let V = model.config.vocabSize, T = batch.time
        return eachShard(batch) { s, rows, ws in
            var rng = self.dropoutRNG(dropoutSeed, shard: s)
            _ = ws.forward(params: params, rng: &rng)
            let base = rows.lowerBound * T
            var sum = 0.0, count = 0
            for n in 0..<(rows.count * T) {
                let y = Int(ws.targets[n])
                guard y >= 0 && y < V else { continue }
                sum += rewrite(ws, n, base + n, ws.logits + n * V, y)
                count += 1
            }
            ws.backward(params: params, lossScale: lossScale)
            return (sum, count)
        }
    }

    /// `h·e_a − h·e_b` at row `n` of `ws` after a forward: the difference of two raw logits under the tied LM head
    /// (`h` the final hidden state, `e` the token embeddings), in double precision.
    package func logitDifference(_ ws: GPTWorkspace, row n: Int, _ a: Int, _ b: Int) -> Double {
        let C = model.config.nEmbd
        let h = ws.finalHidden + n * C
        let wte = UnsafePointer(model.params.pointer + model.layout.wte)
        let ea = wte + a * C, eb = wte + b * C
        var d = 0.0
        for j in 0..<C { d += Double(h[j]) * (Double(ea[j]) - Double(eb[j])) }
        return d
    }
}
