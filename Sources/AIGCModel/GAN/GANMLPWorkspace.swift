/// Activations of one `GANMLP` forward pass for up to `capacity` rows, kept for its backward pass.
public final class GANMLPWorkspace {
    public let capacity: Int
    public let hiddenSize: Int
    public let outputSize: Int
    /// `W1·x + b1`, `[rows, hidden]`.
    public let preActivation: GANBuffer
    /// `relu(pre)`, `[rows, hidden]`.
    public let hidden: GANBuffer
    /// `W2·hidden + b2`, `[rows, output]`.
    public let logits: GANBuffer
    /// Scratch for the backward pass, `[rows, hidden]`.
    public let dHidden: GANBuffer

    public init(for mlp: GANMLP, capacity: Int) {
        self.capacity = capacity
        hiddenSize = mlp.hiddenSize
        outputSize = mlp.outputSize
        preActivation = GANBuffer(count: capacity * mlp.hiddenSize)
        hidden = GANBuffer(count: capacity * mlp.hiddenSize)
        logits = GANBuffer(count: capacity * mlp.outputSize)
        dHidden = GANBuffer(count: capacity * mlp.hiddenSize)
    }
}
