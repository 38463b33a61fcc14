import AIGCModel
import Foundation
import Testing

/// The GAN's matrix products and losses against references.
@Suite struct GANKernelTests {
    /// OpenBLAS sgemm equals the naive kernel for every transpose combination, padded leading dimensions and
    /// both beta = 0 (old C ignored, even NaN) and beta = 1 (accumulate).
    @Test func blasMatchesNaiveGemm() {
        var rng = Xoshiro256(seed: 7)
        let m = 7, n = 5, k = 9, pad = 3
        for transA in [false, true] {
            for transB in [false, true] {
                for beta: Float in [0, 1] {
                    let aRows = transA ? k : m, aCols = transA ? m : k
                    let bRows = transB ? n : k, bCols = transB ? k : n
                    let lda = aCols + pad, ldb = bCols + pad, ldc = n + pad
                    let a = (0..<(aRows * lda)).map { _ in rng.nextNormalFloat() }
                    let b = (0..<(bRows * ldb)).map { _ in rng.nextNormalFloat() }
                    let c0 = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : rng.nextNormalFloat() }
                    var c1 = c0, c2 = c0
                    GANGemm.blas(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                                 beta: beta, c: &c1, ldc: ldc)
                    GANGemm.naive(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                                  beta: beta, c: &c2, ldc: ldc)
                    // An independent scalar check of one element.
                    var s: Double = 0
                    for p in 0..<k {
                        s += Double(transA ? a[p * lda + 2] : a[2 * lda + p]) * Double(transB ? b[3 * ldb + p] : b[p * ldb + 3])
                    }
                    let expect = 0.5 * s + (beta == 0 ? 0 : Double(c0[2 * ldc + 3]))
                    #expect(abs(Double(c2[2 * ldc + 3]) - expect) < 1e-5)
                    for i in 0..<m {
                        for j in 0..<n {
                            #expect(abs(c1[i * ldc + j] - c2[i * ldc + j]) <= 1e-5 * max(1, abs(c2[i * ldc + j])),
                                    "transA \(transA) transB \(transB) beta \(beta) at (\(i), \(j))")
                        }
                        // Padding columns are never written.
                        for j in n..<ldc { #expect(c1[i * ldc + j].bitPattern == c0[i * ldc + j].bitPattern) }
                    }
                }
            }
        }
    }

    /// The log-sigmoid formulation stays finite and exact where the naive `log(sigmoid(x))` breaks down.
    @Test func lossesAreStable() {
        for x in [-1000.0, -50, -5, -0.3, 0, 0.3, 5, 50, 1000] {
            let sp = GANLoss.softplus(x)
            #expect(sp.isFinite && sp >= 0)
            if abs(x) < 30 {
                #expect(abs(sp - log(1 + exp(x))) < 1e-12)
                #expect(abs(GANLoss.logSigmoid(x) - log(1 / (1 + exp(-x)))) < 1e-12)
            }
            #expect(abs(GANLoss.sigmoid(x) + GANLoss.sigmoid(-x) - 1) < 1e-15)
        }
        #expect(GANLoss.softplus(1000) == 1000)
        #expect(GANLoss.logSigmoid(-1000) == -1000)
        // D perfectly fooled or perfectly right, at extreme logits: finite losses and gradients.
        let logits: [Float] = [1e4, -1e4, -1e4, 1e4]
        var grad = [Float](repeating: .nan, count: 4)
        let d = GANLoss.discriminator(logits: logits, realCount: 2, fakeCount: 2, grad: &grad)
        #expect(d.isFinite && abs(d - 1e4) < 1e-6)
        #expect(grad.allSatisfy { $0.isFinite })
        for kind in GANGeneratorLoss.allCases {
            let g = GANLoss.generator(kind, logits: logits, count: 4, grad: &grad)
            #expect(g.isFinite)
            #expect(grad.allSatisfy { $0.isFinite })
        }
    }

    /// Analytic loss gradients equal central finite differences of the loss values.
    @Test func lossGradientsMatchFiniteDifferences() {
        let logits: [Float] = [-2.5, -0.7, 0.1, 1.3, 3.0, -1.1, 0.4]
        let real = 3, fake = 4
        var grad = [Float](repeating: 0, count: logits.count)
        _ = GANLoss.discriminator(logits: logits, realCount: real, fakeCount: fake, grad: &grad)
        let h: Float = 1e-2
        for i in logits.indices {
            var p = logits, m = logits
            p[i] += h; m[i] -= h
            let num = (GANLoss.discriminator(logits: p, realCount: real, fakeCount: fake, grad: nil)
                - GANLoss.discriminator(logits: m, realCount: real, fakeCount: fake, grad: nil)) / Double(2 * h)
            #expect(abs(num - Double(grad[i])) < 1e-4, "d loss logit \(i)")
        }
        for kind in GANGeneratorLoss.allCases {
            _ = GANLoss.generator(kind, logits: logits, count: logits.count, grad: &grad)
            for i in logits.indices {
                var p = logits, m = logits
                p[i] += h; m[i] -= h
                let num = (GANLoss.generator(kind, logits: p, count: p.count, grad: nil)
                    - GANLoss.generator(kind, logits: m, count: m.count, grad: nil)) / Double(2 * h)
                #expect(abs(num - Double(grad[i])) < 1e-4, "\(kind) logit \(i)")
            }
        }
        // The two generator objectives push the same way (both raise the fakes' logits), with different strength.
        var mm = grad, ns = grad
        _ = GANLoss.generator(.minimax, logits: logits, count: logits.count, grad: &mm)
        _ = GANLoss.generator(.nonSaturating, logits: logits, count: logits.count, grad: &ns)
        #expect(zip(mm, ns).allSatisfy { $0 < 0 && $1 < 0 })
        #expect(abs(ns[0]) > abs(mm[0]) * 5)  // at D(G(z)) ≈ 0.08 the minimax gradient has nearly vanished
    }

    /// The seeded generator is a fixed stream: same seed, same numbers; normals have the right moments.
    @Test func randomIsDeterministic() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42), c = Xoshiro256(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }, xc = (0..<100).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        var r = Xoshiro256(seed: 1)
        let z = (0..<20000).map { _ in Double(r.nextNormalFloat()) }
        let mean = z.reduce(0, +) / Double(z.count)
        let varc = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count)
        #expect(abs(mean) < 0.03 && abs(varc - 1) < 0.05)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<5000 { counts[r.nextInt(below: 5)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 1000) < 120 })
    }
}
