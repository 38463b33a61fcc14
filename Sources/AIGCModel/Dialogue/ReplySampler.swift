import AIGCCore
import Foundation

/// Samples replies from a GPT for a batch of contexts. Two paths, the same sampling rule (`pick`):
/// - `sample(decoder:…)`, the one training and evaluation use: KV-cached. Each context is fed once (one prefill
///   segment per slot), then every step feeds only the newest token of each unfinished reply, all rows in one
///   `BatchedDecoder.step`. A reply of R tokens after a context of C costs about C + R token-forwards instead of
///   R × (C + R / 2) without a cache (the discriminator's pretraining spent ~90% of its time here before).
///   The decoder reads the model's live parameters, so one decoder serves a generator that is being trained.
/// - `sample(engine:…)`: recomputes the whole right-padded prefix each step with the training engine (under the
///   causal mask a row's last real position never sees its padding). Kept as the cache-free reference the tests
///   compare the cached path with.
public struct ReplySampler {
    public var temperature: Float = 1
    /// Sample only among the k most likely tokens (0: all).
    public var topK: Int = 0
    public var maxTokens: Int
    /// Generation stops after this token (e.g. `<|im_end|>`), which is kept as the reply's last token.
    public var stopToken: Int32?

    public init(maxTokens: Int, stopToken: Int32?, temperature: Float = 1, topK: Int = 0) {
        self.maxTokens = maxTokens
        self.stopToken = stopToken
        self.temperature = temperature
        self.topK = topK
    }

    /// Continues each `prefixes[i]` (context plus any reply tokens so far) until the stop token or until the
    /// reply part reaches `maxTokens` tokens; returns only the newly generated tokens (plus `replySoFar[i]`
    /// when given, for Monte-Carlo rollouts). The engine must fit `prefixes.count` rows of the longest prefix +
    /// `maxTokens` tokens.
    public func sample(engine: GPTEngine, contexts: [[Int32]], replySoFar: [[Int32]]? = nil, rng: inout Xoshiro256) -> [[Int32]] {
        let n = contexts.count
        guard n > 0 else { return [] }
        var replies = replySoFar ?? [[Int32]](repeating: [], count: n)
        var done = replies.map { r in r.count >= maxTokens || (stopToken != nil && r.last == stopToken) }
        let V = engine.model.config.vocabSize
        var probs = [Double](repeating: 0, count: V)
        var order = [Int](repeating: 0, count: V)
        while done.contains(false) {
            let lengths = (0..<n).map { contexts[$0].count + replies[$0].count }
            let T = lengths.max()!
            var inputs = [Int32](repeating: 0, count: n * T)
            for i in 0..<n {
                let seq = contexts[i] + replies[i]
                for t in 0..<seq.count { inputs[i * T + t] = seq[t] }
            }
            let logits = engine.logits(TokenBatch(batch: n, time: T, inputs: inputs))
            for i in 0..<n where !done[i] {
                let base = (i * T + lengths[i] - 1) * V
                let tok = pick(logits, base: base, V: V, probs: &probs, order: &order, rng: &rng)
                replies[i].append(tok)
                if replies[i].count >= maxTokens || tok == stopToken { done[i] = true }
            }
        }
        return replies
    }

    /// KV-cached sampling (see the type's note): continues `contexts[i] ++ replySoFar[i]` for each `i`, at most
    /// `decoder.slots` rows at a time (its slots are reset first). Every prefix plus `maxTokens` must fit the
    /// model's block size. Returns the replies (with `replySoFar[i]` in front when given).
    public func sample(decoder: BatchedDecoder, contexts: [[Int32]], replySoFar: [[Int32]]? = nil, rng: inout Xoshiro256) throws -> [[Int32]] {
        var replies = replySoFar ?? [[Int32]](repeating: [], count: contexts.count)
        let V = decoder.model.config.vocabSize
        var probs = [Double](repeating: 0, count: V)
        var order = [Int](repeating: 0, count: V)
        var logits = [Float](repeating: 0, count: V)
        var lo = 0
        while lo < contexts.count {
            let hi = min(contexts.count, lo + decoder.slots)
            var active: [Int] = []  // rows still sampling, in slot order (slot = row - lo)
            var segments: [BatchedDecoder.Segment] = []
            for i in lo..<hi {
                decoder.reset(slot: i - lo)
                let r = replies[i]
                if r.count >= maxTokens || (stopToken != nil && r.last == stopToken) { continue }
                let prefix = contexts[i] + r
                guard !prefix.isEmpty else { throw AIGCError.usage("ReplySampler: an empty context") }
                active.append(i)
                segments.append(.init(slot: i - lo, tokens: prefix))
            }
            // Each row's next token, drawn from logits row `k` of the last step; unfinished rows go on in `next`,
            // in row order (the order of the draws, as in the cache-free path).
            var next: [BatchedDecoder.Segment] = [], nextRows: [Int] = []
            func draw(_ i: Int, _ k: Int) {
                let row = decoder.logits(k)
                for j in 0..<V { logits[j] = row[j] }
                let tok = pick(logits, base: 0, V: V, probs: &probs, order: &order, rng: &rng)
                replies[i].append(tok)
                if replies[i].count < maxTokens && tok != stopToken { next.append(.init(slot: i - lo, tokens: [tok])); nextRows.append(i) }
            }
            // Prefill as many contexts per step as fit its `maxStepTokens` (at least one).
            var first = 0
            while first < segments.count {
                var end = first + 1, tokens = segments[first].tokens.count
                while end < segments.count && tokens + segments[end].tokens.count <= decoder.maxStepTokens {
                    tokens += segments[end].tokens.count; end += 1
                }
                try decoder.step(Array(segments[first ..< end]))
                for k in 0..<(end - first) { draw(active[first + k], k) }
                first = end
            }
            while !next.isEmpty {
                let rows = nextRows
                try decoder.step(next)
                next = []; nextRows = []
                for (k, i) in rows.enumerated() { draw(i, k) }
            }
            lo = hi
        }
        return replies
    }

    private func pick(_ logits: [Float], base: Int, V: Int, probs: inout [Double], order: inout [Int], rng: inout Xoshiro256) -> Int32 {
        if temperature <= 0 {
            var best = 0
            for j in 1..<V where logits[base + j] > logits[base + best] { best = j }
            return Int32(best)
        }
        var mx = -Double.infinity
        for j in 0..<V { mx = max(mx, Double(logits[base + j])) }
        let invT = 1 / Double(temperature)
        var candidates = V
        if topK > 0 && topK < V {
            for j in 0..<V { order[j] = j }
            order.sort { logits[base + $0] > logits[base + $1] || (logits[base + $0] == logits[base + $1] && $0 < $1) }
            candidates = topK
        }
        var sum = 0.0
        for c in 0..<candidates {
            let j = candidates == V ? c : order[c]
            let p = exp((Double(logits[base + j]) - mx) * invT)
            probs[c] = p
            sum += p
        }
        var u = rng.nextDouble() * sum
        for c in 0..<candidates {
            u -= probs[c]
            if u <= 0 { return Int32(candidates == V ? c : order[c]) }
        }
        return Int32(candidates == V ? candidates - 1 : order[candidates - 1])
    }
}
