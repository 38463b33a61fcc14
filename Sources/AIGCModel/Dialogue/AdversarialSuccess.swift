import Foundation

/// Adversarial success (Li et al. 2017, §4 "adversarial evaluation"): the share of a generator's replies that a
/// frozen judge — a discriminator the generator never trained against — labels human (P(real) > 0.5), with a
/// paired bootstrap over contexts for the difference between two generators answering the same contexts.
public enum AdversarialSuccess {
    /// Per-context success of one generator: the share of its `k` replies to each context labelled human.
    public static func perContext(probabilities p: [Double], repliesPerContext k: Int) -> [Double] {
        guard k >= 1 else { return [] }
        return stride(from: 0, to: p.count - p.count % k, by: k).map { i in
            Double(p[i ..< i + k].filter { $0 > 0.5 }.count) / Double(k)
        }
    }

    public struct Difference: Sendable, Equatable {
        /// mean(b) − mean(a) over all contexts.
        public var difference: Double
        /// The 2.5% and 97.5% quantiles of the bootstrap differences (percentile interval).
        public var low: Double
        public var high: Double
        /// Share of bootstrap differences ≤ 0: a one-sided p-value for "b is better than a".
        public var shareNotAbove: Double
        public var resamples: Int
    }

    /// Paired bootstrap of mean(b) − mean(a): `resamples` times, draw contexts with replacement (the same draw for
    /// both generators, so what the contexts share cancels) and take the difference of the means.
    /// `a` and `b` are per-context scores over the same contexts in the same order.
    public static func pairedBootstrap(_ a: [Double], _ b: [Double], resamples: Int, seed: UInt64) -> Difference {
        let n = min(a.count, b.count)
        let d = (0..<n).map { b[$0] - a[$0] }
        let mean = n > 0 ? d.reduce(0, +) / Double(n) : .nan
        guard n > 0, resamples > 0 else { return Difference(difference: mean, low: .nan, high: .nan, shareNotAbove: .nan, resamples: 0) }
        var rng = Xoshiro256(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var s = 0.0
            for _ in 0..<n { s += d[rng.nextInt(below: n)] }
            means[r] = s / Double(n)
        }
        means.sort()
        func q(_ p: Double) -> Double { means[min(resamples - 1, max(0, Int((p * Double(resamples)).rounded(.down))))] }
        let notAbove = Double(means.filter { $0 <= 0 }.count) / Double(resamples)
        return Difference(difference: mean, low: q(0.025), high: q(0.975), shareNotAbove: notAbove, resamples: resamples)
    }
}
