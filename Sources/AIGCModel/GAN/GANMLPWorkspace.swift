/// Activations of one `GANMLP` forward pass for up to `capacity` rows, kept for its backward pass.
public final class GANMLPWorkspace {
    public let capacity: Int
    public let hiddenSize: Int
    public let outputSize: Int
    /// `W1·x + b1`, `[rows, hidden]`.
    public let preActivation: FloatBuffer
    /// `relu(pre)`, `[rows, hidden]`.
    public let hidden: FloatBuffer
    /// `W2·hidden + b2`, `[rows, output]`.
    public let logits: FloatBuffer
    /// Scratch for the backward pass, `[rows, hidden]`.
    public let dHidden: FloatBuffer

    public init(for mlp: GANMLP, capacity: Int) {
        self.capacity = capacity
        hiddenSize = mlp.hiddenSize
        outputSize = mlp.outputSize
        preActivation = FloatBuffer(count: capacity * mlp.hiddenSize)
        hidden = FloatBuffer(count: capacity * mlp.hiddenSize)
        logits = FloatBuffer(count: capacity * mlp.outputSize)
        dHidden = FloatBuffer(count: capacity * mlp.hiddenSize)
    }
}
