import AIGCCore
import CKernels
import Foundation

/// AdamW exactly as `torch.optim.AdamW` (decoupled weight decay applied first, bias-corrected moments,
/// eps added after the bias-corrected square root), with decay only on the 2-D tensors of the layout.
/// The moments live in two flat buffers parallel to the parameters.
public final class AdamW: @unchecked Sendable {
    public var beta1: Float
    public var beta2: Float
    public var eps: Float
    public var weightDecay: Float
    public let m: FloatBuffer
    public let v: FloatBuffer
    /// Number of steps taken so far.
    public var step: Int = 0
    /// Per-element decay flags as ranges of the flat buffer.
    let decayRanges: [(Range<Int>, Bool)]

    public init(layout: ParameterLayout, beta1: Float = 0.9, beta2: Float = 0.95, eps: Float = 1e-8, weightDecay: Float = 0.1) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        m = FloatBuffer(count: layout.count)
        v = FloatBuffer(count: layout.count)
        decayRanges = layout.tensors.map { ($0.offset ..< $0.offset + $0.count, $0.decays) }
    }

    /// One update with learning rate `lr` from `grads`, in chunks run on up to `threads` threads (element-wise,
    /// so the result does not depend on the thread count).
    public func update(params: FloatBuffer, grads: FloatBuffer, lr: Float, threads: Int = 1) {
        step += 1
        let bc1 = 1 - pow(Double(beta1), Double(step))
        let bc2 = 1 - pow(Double(beta2), Double(step))
        let stepSize = Float(Double(lr) / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let b1 = beta1, b2 = beta2, eps = eps
        let p = params.pointer, g = grads.pointer, mm = m.pointer, vv = v.pointer
        let chunks = Self.chunks(decayRanges)
        let wd = weightDecay
        Parallel.forEach(chunks.count, threads: threads) { ci in
            let (r, decays) = chunks[ci]
            let decayFactor: Float = decays ? 1 - lr * wd : 1
            // 16 lanes on AVX-512 CPUs, bit-identical to the loop below (which the baseline build runs 4 wide).
            if ck_adamw_update(p + r.lowerBound, g + r.lowerBound, mm + r.lowerBound, vv + r.lowerBound, r.count,
                               decayFactor, b1, b2, stepSize, bc2Sqrt, eps) != 0 { return }
            for i in r {
                let gi = g[i]
                let pi = p[i] * decayFactor
                let mi = mm[i] + (gi - mm[i]) * (1 - b1)  // torch: exp_avg.lerp_(grad, 1 - beta1)
                let vi = vv[i] * b2 + (1 - b2) * gi * gi
                mm[i] = mi
                vv[i] = vi
                let denom = vi.squareRoot() / bc2Sqrt + eps
                p[i] = pi - stepSize * (mi / denom)
            }
        }
    }

    /// Moves `range` further along the direction of the `update` just made, so that its elements took a step of
    /// `multiplier × lr` in all (the same moments and bias corrections; weight decay is not applied again). Call
    /// right after `update(params:grads:lr:)` with the same `lr`. Used for new rows that start from noise (a
    /// classifier head on a pretrained trunk) and need a larger learning rate than the trunk.
    public func extendLastStep(params: FloatBuffer, range: Range<Int>, lr: Float, multiplier: Float) {
        guard step > 0, multiplier != 1, !range.isEmpty else { return }
        let bc1 = 1 - pow(Double(beta1), Double(step))
        let bc2Sqrt = Float((1 - pow(Double(beta2), Double(step))).squareRoot())
        let extra = Float(Double(lr) / bc1) * (multiplier - 1)
        let p = params.pointer, mm = m.pointer, vv = v.pointer
        for i in range { p[i] -= extra * (mm[i] / (vv[i].squareRoot() / bc2Sqrt + eps)) }
    }

    /// Splits tensor ranges into pieces of at most 64 Ki elements for parallel passes.
    static func chunks(_ ranges: [(Range<Int>, Bool)]) -> [(Range<Int>, Bool)] {
        var out: [(Range<Int>, Bool)] = []
        for (r, d) in ranges {
            var s = r.lowerBound
            while s < r.upperBound {
                let e = min(r.upperBound, s + 65536)
                out.append((s ..< e, d))
                s = e
            }
        }
        return out
    }
}
