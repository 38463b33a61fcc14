import Foundation

/// Which update rule the GAN's two players use.
public enum GANOptimizerKind: String, Sendable, Codable, CaseIterable {
    case adam
    case sgd
}

/// Adam (Kingma & Ba, with bias correction) or plain SGD with optional momentum over one flat parameter
/// buffer. Each player has its own optimizer and state.
public final class GANOptimizer {
    public let kind: GANOptimizerKind
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let momentum: Float
    /// Adam's first moment, or SGD's velocity.
    public let m: FloatBuffer
    /// Adam's second moment (unused by SGD).
    public let v: FloatBuffer
    public private(set) var steps: Int = 0

    public init(kind: GANOptimizerKind, count: Int, learningRate: Float, beta1: Float = 0.5, beta2: Float = 0.999,
                epsilon: Float = 1e-8, momentum: Float = 0) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentum = momentum
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: kind == .adam ? count : 0)
    }

    /// One update of `params` by `grads` (gradients of a loss to minimize).
    public func step(_ params: FloatBuffer, _ grads: FloatBuffer) {
        precondition(params.count == grads.count && params.count == m.count)
        steps += 1
        let p = params.pointer, g = grads.pointer, m = self.m.pointer
        let n = params.count, lr = learningRate
        switch kind {
        case .adam:
            let v = self.v.pointer
            let b1 = beta1, b2 = beta2, eps = epsilon
            let c1 = 1 - Float(pow(Double(b1), Double(steps)))
            let c2 = 1 - Float(pow(Double(b2), Double(steps)))
            let stepSize = lr / c1, c2root = c2.squareRoot()
            for i in 0..<n {
                let gi = g[i]
                let mi = b1 * m[i] + (1 - b1) * gi
                let vi = b2 * v[i] + (1 - b2) * gi * gi
                m[i] = mi; v[i] = vi
                p[i] -= stepSize * mi / (vi.squareRoot() / c2root + eps)
            }
        case .sgd:
            if momentum == 0 {
                for i in 0..<n { p[i] -= lr * g[i] }
            } else {
                let mu = momentum
                for i in 0..<n {
                    let vi = mu * m[i] + g[i]
                    m[i] = vi
                    p[i] -= lr * vi
                }
            }
        }
    }
}
