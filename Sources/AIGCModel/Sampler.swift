import Foundation

/// Next-token selection on one logits row (OpenAI semantics; see `SamplingParameters`).
package enum Sampler {
    /// logit −= count·frequency + (count > 0)·presence, for tokens generated so far.
    package static func applyPenalties(_ logits: inout [Float], counts: [Int32: Int], presence: Double, frequency: Double) {
        if presence == 0 && frequency == 0 { return }
        for (tok, c) in counts where c > 0 {
            logits[Int(tok)] -= Float(Double(c) * frequency + presence)
        }
    }

    /// Greedy for temperature 0 (lowest id among ties), otherwise softmax(logits/T) restricted to the top-k
    /// and then to the smallest set with cumulative probability ≥ top-p (renormalised), sampled with `rng`.
    package static func sample(_ logits: [Float], parameters: SamplingParameters, rng: inout Xoshiro256) -> Int32 {
        if parameters.temperature == 0 {
            var best = 0
            for j in 1..<logits.count where logits[j] > logits[best] { best = j }
            return Int32(best)
        }
        let invT = 1 / parameters.temperature
        // Candidates sorted by logit descending (id ascending among ties: deterministic).
        var order = Array(0..<logits.count)
        order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        if parameters.topK > 0 && parameters.topK < order.count { order.removeLast(order.count - parameters.topK) }
        let mx = Double(logits[order[0]])
        var probs = order.map { exp((Double(logits[$0]) - mx) * invT) }
        let total = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= total }
        if parameters.topP < 1 {
            var cum = 0.0, keep = probs.count
            for (i, p) in probs.enumerated() {
                cum += p
                if cum >= parameters.topP { keep = i + 1; break }
            }
            probs.removeLast(probs.count - keep)
            order.removeLast(order.count - keep)
        }
        let mass = probs.reduce(0, +)
        var u = rng.nextDouble() * mass
        for (i, p) in probs.enumerated() {
            u -= p
            if u < 0 { return Int32(order[i]) }
        }
        return Int32(order[probs.count - 1])
    }

    /// log-softmax of the (penalised, temperature-1) logits: the chosen token's and the top `top` alternatives'.
    package static func logprobs(_ logits: [Float], chosen: Int32, top: Int) -> Completion.TokenLogprob {
        let mx = Double(logits.max() ?? 0)
        let lse = mx + log(logits.reduce(0.0) { $0 + exp(Double($1) - mx) })
        func lp(_ j: Int) -> Double { Double(logits[j]) - lse }
        var order = Array(0..<logits.count)
        order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        return Completion.TokenLogprob(token: chosen, logprob: lp(Int(chosen)), top: order.prefix(top).map { (Int32($0), lp($0)) })
    }
}
