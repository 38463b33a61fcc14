/// One row of adversarial training's `metrics.jsonl`.
public struct AdversarialRound: Codable, Sendable, Equatable {
    public var round: Int
    /// Discriminator accuracy on held-out human replies vs. replies sampled for the same contexts.
    public var dAccuracy: Double
    /// Mean discriminator reward P(real) of the replies sampled during the round's generator updates.
    public var reward: Double
    /// Validation perplexity (trained tokens of the validation corpus) of the generator kept after the round.
    public var valPPL: Double
    public var distinct1: Double
    public var distinct2: Double
    /// Mean sampled reply length in tokens (without the end-of-turn token).
    public var meanLength: Double
    /// Set when the guard rejected this round's updates: the generator reverted to the previous round's.
    public var reverted: Bool
    /// The rejected generator's validation perplexity (when `reverted`).
    public var rejectedValPPL: Double?

    enum CodingKeys: String, CodingKey {
        case round, dAccuracy = "d_accuracy", reward, valPPL = "val_ppl", distinct1 = "distinct_1", distinct2 = "distinct_2"
        case meanLength = "mean_length", reverted, rejectedValPPL = "rejected_val_ppl"
    }
}
