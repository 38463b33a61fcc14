import Foundation

/// Next-token selection on one logits row (OpenAI semantics; see `SamplingParameters`).
///
/// Performance: a BPE vocabulary has 50k–200k ids and a server samples one row per running sequence per step, so
/// nothing here sorts the whole row. Unrestricted sampling scans the row in id order; top-k/top-p need only the
/// best few candidates, found by one selection pass (`topCandidates`), with a full sort kept as the fallback when
/// the nucleus is wider than that.
package enum Sampler {
    /// How many best candidates one selection pass keeps before falling back to sorting the row.
    static let candidateWindow = 64

    /// logit −= count·frequency + (count > 0)·presence, for tokens generated so far.
    package static func applyPenalties(_ logits: inout [Float], counts: [Int32: Int], presence: Double, frequency: Double) {
        if presence == 0 && frequency == 0 { return }
        for (tok, c) in counts where c > 0 {
            logits[Int(tok)] -= Float(Double(c) * frequency + presence)
        }
    }

    package static func sample(_ logits: [Float], parameters: SamplingParameters, rng: inout Xoshiro256) -> Int32 {
        logits.withUnsafeBufferPointer { sample($0, parameters: parameters, rng: &rng) }
    }

    /// Greedy for temperature 0 (lowest id among ties), otherwise softmax(logits/T) restricted to the top-k and
    /// then to the smallest set of best candidates with cumulative probability ≥ top-p (renormalised), sampled
    /// with one draw of `rng`. Deterministic for a given row and generator state.
    package static func sample(_ l: UnsafeBufferPointer<Float>, parameters p: SamplingParameters, rng: inout Xoshiro256) -> Int32 {
        let V = l.count
        if p.temperature == 0 || V == 1 { return Int32(argmax(l)) }
        let invT = 1 / p.temperature
        let mx = Double(l[argmax(l)])
        @inline(__always) func weight(_ j: Int) -> Double { exp((Double(l[j]) - mx) * invT) }
        if p.topK == 0 && p.topP >= 1 {
            // The whole distribution, scanned in id order: no ordering needed.
            var total = 0.0
            for j in 0..<V { total += weight(j) }
            var u = rng.nextDouble() * total
            for j in 0..<V {
                u -= weight(j)
                if u < 0 { return Int32(j) }
            }
            return Int32(V - 1)
        }
        let k = p.topK > 0 ? min(p.topK, V) : V
        // Best candidates, logit descending (id ascending among ties); all of them when the window is too small.
        var order = topCandidates(l, count: min(k, candidateWindow))
        var total: Double
        if k <= candidateWindow {
            total = order.reduce(0) { $0 + weight($1) }
        } else if k < V {
            order = sortedIds(l, prefix: k)
            total = order.reduce(0) { $0 + weight($1) }
        } else {
            total = 0
            for j in 0..<V { total += weight(j) }
        }
        // Nucleus: the smallest prefix of `order` with cumulative probability ≥ top-p.
        var keep = -1, mass = 0.0
        func findNucleus() {
            var cum = 0.0
            for (i, j) in order.enumerated() {
                cum += weight(j) / total
                if cum >= p.topP { keep = i + 1; mass = cum; return }
            }
            if order.count == k { keep = order.count; mass = cum }
        }
        findNucleus()
        if keep < 0 {
            // The window did not reach top-p: sort everything.
            order = sortedIds(l, prefix: k)
            findNucleus()
        }
        var u = rng.nextDouble() * mass
        for i in 0..<keep {
            u -= weight(order[i]) / total
            if u < 0 { return Int32(order[i]) }
        }
        return Int32(order[keep - 1])
    }

    /// log-softmax of the (penalised, temperature-1) logits: the chosen token's and the top `top` alternatives'.
    package static func logprobs(_ logits: [Float], chosen: Int32, top: Int) -> Completion.TokenLogprob {
        logits.withUnsafeBufferPointer { logprobs($0, chosen: chosen, top: top) }
    }

    package static func logprobs(_ l: UnsafeBufferPointer<Float>, chosen: Int32, top: Int) -> Completion.TokenLogprob {
        let mx = Double(l[argmax(l)])
        var sum = 0.0
        for v in l { sum += exp(Double(v) - mx) }
        let lse = mx + log(sum)
        func lp(_ j: Int) -> Double { Double(l[j]) - lse }
        let best = top > 0 ? topCandidates(l, count: min(top, l.count)) : []
        return Completion.TokenLogprob(token: chosen, logprob: lp(Int(chosen)), top: best.map { (Int32($0), lp($0)) })
    }

    /// Index of the largest value (lowest index among ties).
    @inline(__always)
    static func argmax(_ l: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for j in 1..<l.count where l[j] > l[best] { best = j }
        return best
    }

    /// The `count` best ids, logit descending and id ascending among ties, in one pass over the row (insertion
    /// into a short sorted list; almost every id fails the first comparison).
    static func topCandidates(_ l: UnsafeBufferPointer<Float>, count: Int) -> [Int] {
        if count <= 0 { return [] }
        var ids: [Int] = []
        ids.reserveCapacity(count + 1)
        for j in 0..<l.count {
            let v = l[j]
            if ids.count == count, let last = ids.last, !(v > l[last]) { continue }
            // Find the insertion point: after every id with a larger or equal logit (ties keep id order).
            var i = ids.count
            while i > 0 && v > l[ids[i - 1]] { i -= 1 }
            ids.insert(j, at: i)
            if ids.count > count { ids.removeLast() }
        }
        return ids
    }

    /// All ids sorted by logit descending (id ascending among ties), first `prefix` of them.
    static func sortedIds(_ l: UnsafeBufferPointer<Float>, prefix: Int) -> [Int] {
        var order = Array(0..<l.count)
        order.sort { l[$0] > l[$1] || (l[$0] == l[$1] && $0 < $1) }
        if prefix < order.count { order.removeLast(order.count - prefix) }
        return order
    }
}
