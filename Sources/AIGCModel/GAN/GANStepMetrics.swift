/// What one training step reports: the last discriminator step's loss and accuracy (measured on that step's
/// minibatch before its update) and the generator step's loss.
public struct GANStepMetrics: Sendable, Equatable {
    public var step: Int
    public var discriminatorLoss: Double
    public var generatorLoss: Double
    /// Fraction of the last D minibatch (real and fake) that D classified correctly (logit > 0 means "real").
    public var discriminatorAccuracy: Double
}
