/// One point of the discriminator's pretraining curve (a `d_step` row of adversarial training's
/// `metrics.jsonl`): held-out scores after `step` updates, and the training loss and accuracy averaged over the
/// updates since the previous point.
public struct DiscriminatorPretrainPoint: Sendable, Equatable {
    public var step: Int
    /// Mean training loss (the discriminator's `DiscriminatorLoss`) since the previous point; nil at step 0.
    public var trainLoss: Double?
    /// Mean accuracy of the training batches (before each update) since the previous point; nil at step 0.
    public var trainAccuracy: Double?
    /// Held-out human replies vs replies the generator sampled for the same held-out contexts.
    public var heldOut: DiscriminatorScore

    public init(step: Int, trainLoss: Double?, trainAccuracy: Double?, heldOut: DiscriminatorScore) {
        self.step = step
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.heldOut = heldOut
    }
}
