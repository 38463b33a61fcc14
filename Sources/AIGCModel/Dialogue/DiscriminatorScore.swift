/// How well a discriminator tells human replies from sampled ones, from its logit differences
/// `d = h·e_REAL − h·e_FAKE` (P(real) = σ(d)) on a balanced or unbalanced held-out set.
public struct DiscriminatorScore: Sendable, Equatable {
    /// Share classified correctly at P(real) = 0.5 (d > 0: human).
    public var accuracy: Double
    /// Area under the ROC curve: the probability that a random human reply scores above a random sampled one
    /// (ties count half). Unlike accuracy it does not depend on where the threshold sits, so it shows a
    /// discriminator that ranks well but puts every reply on one side of 0.5.
    public var auc: Double
    /// Mean two-way cross-entropy: `softplus(−d)` for human, `softplus(d)` for sampled replies.
    public var loss: Double
    /// Mean P(real) of the human and of the sampled replies.
    public var meanRealHuman: Double
    public var meanRealSampled: Double
    /// Smallest and largest P(real) over both sets.
    public var minReal: Double
    public var maxReal: Double

    public init(human: [Double], sampled: [Double]) {
        let all = human + sampled
        let n = Double(max(1, all.count))
        var correct = 0
        for d in human where d > 0 { correct += 1 }
        for d in sampled where !(d > 0) { correct += 1 }
        accuracy = Double(correct) / n
        var wins = 0.0
        for h in human {
            for s in sampled { wins += h > s ? 1 : (h == s ? 0.5 : 0) }
        }
        auc = human.isEmpty || sampled.isEmpty ? .nan : wins / (Double(human.count) * Double(sampled.count))
        loss = (human.reduce(0) { $0 + GANLoss.softplus(-$1) } + sampled.reduce(0) { $0 + GANLoss.softplus($1) }) / n
        func meanP(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0) { $0 + GANLoss.sigmoid($1) } / Double(v.count) }
        meanRealHuman = meanP(human)
        meanRealSampled = meanP(sampled)
        minReal = all.map(GANLoss.sigmoid).min() ?? .nan
        maxReal = all.map(GANLoss.sigmoid).max() ?? .nan
    }
}
