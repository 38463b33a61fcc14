import Foundation

/// The generator's objective.
public enum GANGeneratorLoss: String, Sendable, Codable, CaseIterable {
    /// The minimax objective: G minimizes `E[log(1 − D(G(z)))]`. Its gradient vanishes while D confidently
    /// rejects the fakes (early training).
    case minimax
    /// The non-saturating objective: G minimizes `−E[log D(G(z))]`; same fixed point, strong gradients early.
    case nonSaturating = "non-saturating"
}

/// Numerically stable GAN losses on discriminator logits ℓ (D = sigmoid(ℓ)), written with
/// `softplus(ℓ) = log(1 + e^ℓ) = max(ℓ, 0) + log1p(e^−|ℓ|)`: `log D = −softplus(−ℓ)` and
/// `log(1 − D) = −softplus(ℓ)`, finite for any finite logit (computing `log(sigmoid(ℓ))` directly gives −inf once
/// the sigmoid rounds to 0 or 1). Values are accumulated in Double; gradients are written per logit.
public enum GANLoss {
    @inline(__always)
    public static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }

    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : { let e = exp(x); return e / (1 + e) }()
    }

    @inline(__always)
    public static func logSigmoid(_ x: Double) -> Double { -softplus(-x) }

    /// The discriminator's loss, the negated value it maximizes:
    /// `−(mean_real log D(x) + mean_fake log(1 − D(G(z))))` = `mean softplus(−ℓ_real) + mean softplus(ℓ_fake)`.
    /// The logits are `[real…, fake…]`; the gradient w.r.t. each goes to `grad` (same layout) when given.
    public static func discriminator(logits: UnsafePointer<Float>, realCount: Int, fakeCount: Int,
                                     grad: UnsafeMutablePointer<Float>?) -> Double {
        var real = 0.0, fake = 0.0
        let invR = 1 / Double(realCount), invF = 1 / Double(fakeCount)
        for i in 0..<realCount {
            let l = Double(logits[i])
            real += softplus(-l)
            grad?[i] = Float(-sigmoid(-l) * invR)
        }
        for i in 0..<fakeCount {
            let l = Double(logits[realCount + i])
            fake += softplus(l)
            grad?[realCount + i] = Float(sigmoid(l) * invF)
        }
        return real * invR + fake * invF
    }

    /// The generator's loss on D's logits for fakes: minimax `mean log(1 − D) = −mean softplus(ℓ)` (negative,
    /// decreasing toward −∞ as D is fooled), non-saturating `−mean log D = mean softplus(−ℓ)`.
    public static func generator(_ kind: GANGeneratorLoss, logits: UnsafePointer<Float>, count: Int,
                                 grad: UnsafeMutablePointer<Float>?) -> Double {
        var total = 0.0
        let inv = 1 / Double(count)
        for i in 0..<count {
            let l = Double(logits[i])
            switch kind {
            case .minimax:
                total -= softplus(l)
                grad?[i] = Float(-sigmoid(l) * inv)
            case .nonSaturating:
                total += softplus(-l)
                grad?[i] = Float(-sigmoid(-l) * inv)
            }
        }
        return total * inv
    }
}
