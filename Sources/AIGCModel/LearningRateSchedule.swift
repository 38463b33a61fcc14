import Foundation

/// nanoGPT's schedule: linear warm-up to `lr` over `warmupIters` (lr·(it+1)/(warmup+1)), cosine decay to
/// `minLR` at `decayIters`, then constant `minLR`.
public struct LearningRateSchedule: Sendable, Codable, Equatable {
    public var lr: Double
    public var minLR: Double
    public var warmupIters: Int
    public var decayIters: Int

    public init(lr: Double, minLR: Double, warmupIters: Int, decayIters: Int) {
        self.lr = lr
        self.minLR = minLR
        self.warmupIters = warmupIters
        self.decayIters = decayIters
    }

    public func rate(at it: Int) -> Double {
        if it < warmupIters { return lr * Double(it + 1) / Double(warmupIters + 1) }
        if it > decayIters { return minLR }
        let r = Double(it - warmupIters) / Double(max(1, decayIters - warmupIters))
        return minLR + 0.5 * (1 + cos(Double.pi * r)) * (lr - minLR)
    }
}
