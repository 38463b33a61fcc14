/// How a `DialogueDiscriminator` is trained.
public enum DiscriminatorLoss: String, Codable, Sendable, CaseIterable {
    /// Binary cross-entropy on `h·e_REAL − h·e_FAKE` at the QUERY position: the cross-entropy of the two-way
    /// softmax the discriminator is read with (`GPTEngine.accumulateTwoWayGradients`). The default.
    case twoWay = "two-way"
    /// Cross-entropy of the label token against the whole vocabulary at the QUERY position. This was the only
    /// loss before; kept to reproduce docs/gan.md's comparison: most of its early gradient makes both label
    /// tokens likely rather than separating them, and the two-way P(real) stays nearly constant.
    case vocabulary
}
