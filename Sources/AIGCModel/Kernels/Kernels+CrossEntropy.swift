import Foundation

extension Kernels {
    /// The label that is ignored by the loss (PyTorch's `ignore_index`), used by fine-tuning for prompt tokens.
    package static let ignoreIndex: Int32 = -100

    /// Softmax of each logits row (length V), in place, and the row's cross-entropy −log p[target]
    /// (0 for ignored rows). Returns the sum of losses over non-ignored rows and their count.
    @discardableResult
    package static func softmaxCrossEntropyForward(probs: FP, losses: FP?, targets: UnsafePointer<Int32>?, N: Int, V: Int)
        -> (sum: Double, count: Int)
    {
        var total = 0.0
        var count = 0
        for n in 0..<N {
            let row = probs + n * V
            var mx = -Float.infinity
            for j in 0..<V { mx = max(mx, row[j]) }
            let target = targets.map { Int($0[n]) } ?? -1
            let targetLogit = target >= 0 && target < V ? row[target] : 0
            for j in 0..<V { row[j] = FastMath.exp(row[j] - mx) }
            var sum: Float = 0
            for j in 0..<V { sum += row[j] }
            let inv = 1 / sum
            for j in 0..<V { row[j] *= inv }
            if target >= 0 && target < V {
                let l = Float(log(Double(sum))) + mx - targetLogit
                losses?[n] = l
                total += Double(l)
                count += 1
            } else {
                losses?[n] = 0
            }
        }
        return (total, count)
    }

    /// dlogits = (p − onehot(target))·scale, in place over `probs`; ignored rows get 0.
    package static func softmaxCrossEntropyBackward(probs: FP, targets: UnsafePointer<Int32>, scale: Float, N: Int, V: Int) {
        for n in 0..<N {
            let row = probs + n * V
            let t = Int(targets[n])
            if t < 0 || t >= V {
                for j in 0..<V { row[j] = 0 }
                continue
            }
            for j in 0..<V { row[j] *= scale }
            row[t] -= scale
        }
    }
}
