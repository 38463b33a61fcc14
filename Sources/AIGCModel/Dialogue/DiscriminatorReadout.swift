/// Which hidden states a `DialogueDiscriminator`'s two-way head reads.
public enum DiscriminatorReadout: String, Codable, Sendable, CaseIterable {
    /// The final hidden state at the QUERY token after the reply (how GPT-2 sequence classifiers read the last
    /// token). The trunk must learn to gather the evidence into that one position.
    case query
    /// The mean of the head's logit differences over the reply's positions and QUERY, i.e. the head applied to
    /// the mean-pooled hidden states: every reply token's state reaches the head directly, so a head on a
    /// pretrained trunk separates human from sampled replies without first re-training the trunk to route
    /// everything into one position.
    case mean
}
