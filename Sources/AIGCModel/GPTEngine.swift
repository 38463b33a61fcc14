import AIGCCore
import Foundation

/// Runs a model over batches split into a fixed number of shards, one workspace per shard, on up to `threads`
/// threads. The shard count (not the thread count) fixes the arithmetic: shard s always covers the same rows
/// and shard gradients are summed in shard order, so results are bit-identical for any `threads`.
public final class GPTEngine: @unchecked Sendable {
    public let model: GPTModel
    public let shardCount: Int
    public let threads: Int
    package let workspaces: [GPTWorkspace]
    public let training: Bool

    /// Refuses an engine whose workspaces would not fit in this machine's memory (before allocating them).
    public static func checkMemory(config: GPTConfig, batchSize: Int, time: Int, shards: Int, training: Bool) throws {
        let shardCount = max(1, min(shards, batchSize))
        let rowsPerShard = (batchSize + shardCount - 1) / shardCount
        let floats = Double(shardCount) * GPTWorkspace.activationFloats(config: config, maxBatch: rowsPerShard, maxTime: time,
                                                                        withGradients: training, training: training)
        let grads = training ? Double(shardCount) * Double(ParameterLayout(config).count) : 0
        try Limits.memory("TrainingOptions.batchSize \(batchSize) × TrainingOptions.blockSize \(time) (\(config.nLayer) layers, \(config.nEmbd) wide)",
                          bytes: 4 * (floats + grads))
    }

    /// - Parameters:
    ///   - batchSize, time: the largest batch this engine will see.
    ///   - shards: the number of batch shards (at most `batchSize`).
    public init(model: GPTModel, batchSize: Int, time: Int, shards: Int, threads: Int, training: Bool, profile: Bool = false) {
        self.model = model
        self.training = training
        shardCount = max(1, min(shards, batchSize))
        self.threads = max(1, threads)
        let rowsPerShard = (batchSize + shardCount - 1) / shardCount
        workspaces = (0..<shardCount).map { _ in
            GPTWorkspace(config: model.config, maxBatch: rowsPerShard, maxTime: time, withGradients: training,
                         training: training, profile: profile)
        }
    }

    /// The batch rows shard `s` covers.
    package func rows(_ s: Int, batch: Int) -> Range<Int> {
        let lo = s * batch / shardCount, hi = (s + 1) * batch / shardCount
        return lo ..< hi
    }

    /// Checks token ids, positions and targets against the config before any kernel reads them.
    public func validate(_ batch: TokenBatch) throws {
        let V = Int32(model.config.vocabSize), T = batch.time
        guard batch.batch >= 1, T >= 1, T <= workspaces[0].maxTime, batch.batch <= workspaces.count * workspaces[0].maxBatch,
              batch.inputs.count == batch.batch * T else {
            throw AIGCError.usage("batch of \(batch.batch)×\(T) does not fit this engine or has \(batch.inputs.count) inputs")
        }
        if let i = batch.inputs.firstIndex(where: { $0 < 0 || $0 >= V }) {
            throw AIGCError.input(location: "batch", message: "token \(batch.inputs[i]) at row \(i / T), column \(i % T) is outside the vocabulary of \(V)")
        }
        if let t = batch.targets {
            guard t.count == batch.inputs.count else { throw AIGCError.usage("targets and inputs differ in length") }
            if let i = t.firstIndex(where: { ($0 < 0 && $0 != Kernels.ignoreIndex) || $0 >= V }) {
                throw AIGCError.input(location: "batch", message: "label \(t[i]) at row \(i / T), column \(i % T) is neither a token nor -100")
            }
        }
        if let p = batch.positions {
            guard p.count == batch.inputs.count else { throw AIGCError.usage("positions and inputs differ in length") }
            if let i = p.firstIndex(where: { $0 < 0 || Int($0) >= model.config.blockSize }) {
                throw AIGCError.input(location: "batch", message: "position \(p[i]) at row \(i / T), column \(i % T) is outside 0..<\(model.config.blockSize)")
            }
        } else if T > model.config.blockSize {
            throw AIGCError.usage("sequence length \(T) exceeds the block size \(model.config.blockSize)")
        }
        if let s = batch.segments, s.count != batch.inputs.count { throw AIGCError.usage("segments and inputs differ in length") }
    }

    /// Zeroes every shard's gradients (start of an optimizer step).
    public func zeroGradients() {
        Parallel.forEach(shardCount, threads: threads) { workspaces[$0].grads?.zero() }
    }

    /// Runs `body` on every non-empty shard of `batch` in parallel, after loading the shard's rows into its
    /// workspace, and sums the (loss sum, count) pairs the shards return, in shard order.
    func eachShard(_ batch: TokenBatch,
                   _ body: @escaping (_ shard: Int, _ rows: Range<Int>, _ ws: GPTWorkspace) -> (sum: Double, count: Int))
        -> (sum: Double, count: Int) {
        var results = [(sum: Double, count: Int)](repeating: (0, 0), count: shardCount)
        results.withUnsafeMutableBufferPointer { res in
            Parallel.forEach(shardCount, threads: threads) { s in
                let rows = self.rows(s, batch: batch.batch)
                if rows.isEmpty { return }
                let ws = workspaces[s]
                ws.load(batch, rows: rows)
                res[s] = body(s, rows, ws)
            }
        }
        return results.reduce((0, 0)) { ($0.0 + $1.sum, $0.1 + $1.count) }
    }

    /// The dropout RNG of shard `s` for a step: masks depend on the seed and the shard, not on the thread.
    func dropoutRNG(_ seed: UInt64, shard s: Int) -> Xoshiro256 {
        Xoshiro256(seed: seed &+ UInt64(s) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Forward and backward over `batch`, accumulating gradients of Σ(token losses)·`lossScale` into the shard
    /// gradient buffers. Dropout masks come from `dropoutSeed` and the shard index. Returns the loss sum and count.
    @discardableResult
    public func accumulateGradients(_ batch: TokenBatch, lossScale: Float, dropoutSeed: UInt64) -> (sum: Double, count: Int) {
        precondition(training)
        let params = UnsafePointer(model.params.pointer)
        return eachShard(batch) { s, _, ws in
            var rng = self.dropoutRNG(dropoutSeed, shard: s)
            let result = ws.forward(params: params, rng: &rng)
            ws.backward(params: params, lossScale: lossScale)
            return result
        }
    }

    /// Forward only (no dropout): the loss sum and count of counted targets.
    public func loss(_ batch: TokenBatch) -> (sum: Double, count: Int) {
        let params = UnsafePointer(model.params.pointer)
        return eachShard(batch) { _, _, ws in
            var rng = Xoshiro256(seed: 0)
            return ws.forward(params: params, rng: &rng, dropout: false)
        }
    }

    /// Raw logits `[B·T, V]` for `batch` (forward only).
    public func logits(_ batch: TokenBatch) -> [Float] {
        let V = model.config.vocabSize
        var out = [Float](repeating: 0, count: batch.batch * batch.time * V)
        let params = UnsafePointer(model.params.pointer)
        out.withUnsafeMutableBufferPointer { o in
            let ob = o
            _ = eachShard(batch) { _, rows, ws in
                ws.forwardLogits(params: params)
                let n = rows.count * batch.time * V
                (ob.baseAddress! + rows.lowerBound * batch.time * V).update(from: ws.logits, count: n)
                return (0, 0)
            }
        }
        return out
    }

    /// Sums shard gradients into shard 0's buffer (in shard order) and returns it with its global L2 norm.
    public func reduceGradients() -> (grads: FloatBuffer, norm: Double) {
        precondition(training, "reduceGradients needs a training engine")
        let g0 = workspaces[0].grads!
        let count = g0.count
        let chunk = 65536
        let nChunks = (count + chunk - 1) / chunk
        var partial = [Double](repeating: 0, count: nChunks)
        let shards = workspaces.compactMap(\.grads)
        partial.withUnsafeMutableBufferPointer { part in
            Parallel.forEach(nChunks, threads: threads) { c in
                let lo = c * chunk, hi = min(count, lo + chunk)
                let d = g0.pointer
                for s in shards.dropFirst() {
                    let src = s.pointer
                    for i in lo..<hi { d[i] += src[i] }
                }
                var ss: Double = 0
                for i in lo..<hi { ss += Double(d[i]) * Double(d[i]) }
                part[c] = ss
            }
        }
        return (g0, partial.reduce(0, +).squareRoot())
    }

    /// Multiplies gradients (shard 0, after `reduceGradients`) by `factor`.
    public func scaleGradients(_ factor: Float) {
        guard let g0 = workspaces[0].grads else { return }
        for i in 0..<g0.count { g0.pointer[i] *= factor }
    }

    /// Total sgemm seconds and flops over all workers since the last reset.
    public func profileTotals() -> (seconds: Double, flops: Double, calls: Int) {
        workspaces.compactMap(\.profile).reduce((0, 0, 0)) { ($0.0 + $1.seconds, $0.1 + $1.flops, $0.2 + $1.calls) }
    }

    public func resetProfile() { workspaces.forEach { $0.profile?.reset() } }
}
