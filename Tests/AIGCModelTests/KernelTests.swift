import Foundation
import Testing
import AIGCModel

/// Each fast kernel against its loop-only reference in `NaiveKernels`, on small random inputs.
@Suite struct KernelTests {
    typealias R = TestSupport

    @Test func matmulForwardAndBackward() {
        let N = 7, C = 12, OC = 10
        var inp = R.randoms(N * C, seed: 1), w = R.randoms(OC * C, seed: 2, scale: 0.3), b = R.randoms(OC, seed: 3)
        let dout = R.randoms(N * OC, seed: 4)
        var out = [Float](repeating: 0, count: N * OC)
        inp.withUnsafeMutableBufferPointer { i in w.withUnsafeMutableBufferPointer { wp in b.withUnsafeMutableBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { o in
                Kernels.matmulForward(out: o.baseAddress!, inp: i.baseAddress!, weight: wp.baseAddress!, bias: bp.baseAddress!, N: N, C: C, OC: OC, profile: nil)
            }
        } } }
        #expect(R.maxAbsDiff(out, NaiveKernels.matmulForward(inp, w, b, N: N, C: C, OC: OC)) < 1e-5)
        var dinp = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0.5, count: OC * C), db = [Float](repeating: 0.25, count: OC)
        dout.withUnsafeBufferPointer { d in inp.withUnsafeBufferPointer { i in w.withUnsafeBufferPointer { wp in
            Kernels.matmulBackward(dinp: dinp.withUnsafeMutableBufferPointer { $0.baseAddress! }, dweight: dw.withUnsafeMutableBufferPointer { $0.baseAddress! },
                                   dbias: db.withUnsafeMutableBufferPointer { $0.baseAddress! }, dout: d.baseAddress!, inp: i.baseAddress!,
                                   weight: wp.baseAddress!, N: N, C: C, OC: OC, profile: nil)
        } } }
        let (rdi, rdw, rdb) = NaiveKernels.matmulBackward(dout, inp, w, N: N, C: C, OC: OC)
        #expect(R.maxAbsDiff(dinp, rdi) < 1e-5)
        // Parameter gradients accumulate onto what was there.
        #expect(R.maxAbsDiff(dw, rdw.map { $0 + 0.5 }) < 1e-5)
        #expect(R.maxAbsDiff(db, rdb.map { $0 + 0.25 }) < 1e-5)
    }

    @Test func layerNormForwardAndBackwardByFiniteDifferences() {
        let N = 3, C = 9
        let x = R.randoms(N * C, seed: 5), w = R.randoms(C, seed: 6), b = R.randoms(C, seed: 7), dout = R.randoms(N * C, seed: 8)
        func forward(_ x: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: N * C), mean = [Float](repeating: 0, count: N), rstd = mean
            Kernels.layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: w, bias: b, N: N, C: C)
            return out
        }
        #expect(R.maxAbsDiff(forward(x), NaiveKernels.layerNormForward(x, w, b, N: N, C: C)) < 1e-5)
        var out = [Float](repeating: 0, count: N * C), mean = [Float](repeating: 0, count: N), rstd = mean
        Kernels.layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: w, bias: b, N: N, C: C)
        var dx = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0, count: C), dbias = [Float](repeating: 0, count: C)
        Kernels.layerNormBackward(dinp: &dx, dweight: &dw, dbias: &dbias, dout: dout, inp: x, weight: w, mean: mean, rstd: rstd, N: N, C: C)
        // Central differences of L = Σ dout·LN(x) in Double through the naive kernel.
        func loss(_ x: [Float]) -> Double { zip(NaiveKernels.layerNormForward(x, w, b, N: N, C: C), dout).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        for i in [0, 4, 13, 26] {
            var p = x, m = x
            p[i] += 1e-2; m[i] -= 1e-2
            let fd = (loss(p) - loss(m)) / 2e-2
            #expect(abs(Double(dx[i]) - fd) < 2e-3 * max(1, abs(fd)), "dx[\(i)] \(dx[i]) vs \(fd)")
        }
        #expect(abs(Double(dbias[2]) - (0..<N).reduce(0.0) { $0 + Double(dout[$1 * C + 2]) }) < 1e-5)
    }

    /// Rows go through the statistics eight at a time (one SIMD lane each): every row's output, mean and 1/std must
    /// be the bits of that row normalised alone, whatever its neighbours (the serving engine relies on it).
    @Test func layerNormRowsInGroupsEqualEachRowAlone() {
        for (N, C) in [(8, 16), (19, 384), (17, 9), (3, 40)] {
            let x = R.randoms(N * C, seed: 11, scale: 3).map { $0 + 0.7 }, w = R.randoms(C, seed: 12), b = R.randoms(C, seed: 13)
            var out = [Float](repeating: 0, count: N * C), mean = [Float](repeating: 0, count: N), rstd = mean
            Kernels.layerNormForward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: w, bias: b, N: N, C: C)
            for n in 0..<N {
                var o1 = [Float](repeating: 0, count: C), m1: [Float] = [0], r1: [Float] = [0]
                Kernels.layerNormForward(out: &o1, mean: &m1, rstd: &r1, inp: Array(x[n * C ..< (n + 1) * C]), weight: w, bias: b, N: 1, C: C)
                #expect(Array(out[n * C ..< (n + 1) * C]).map(\.bitPattern) == o1.map(\.bitPattern), "row \(n) of \(N)×\(C)")
                #expect(mean[n].bitPattern == m1[0].bitPattern && rstd[n].bitPattern == r1[0].bitPattern)
            }
            #expect(R.maxAbsDiff(out, NaiveKernels.layerNormForward(x, w, b, N: N, C: C)) < 1e-4)
        }
    }

    @Test func geluMatchesTanhFormulaAndItsDerivative() {
        let x: [Float] = (0..<203).map { Float($0 - 101) * 0.09 } + [-30, 30, 1e-6, -1e-6, 0, 0.05, -0.099, 95]
        var y = [Float](repeating: 0, count: x.count), d = y
        var t = y, d2 = y
        Kernels.geluForward(out: &y, inp: x, tanhOut: &t, count: x.count)
        let ones = [Float](repeating: 1, count: x.count)
        Kernels.geluBackward(dinp: &d, inp: x, dout: ones, count: x.count)
        Kernels.geluBackward(dinp: &d2, inp: x, tanhIn: t, dout: ones, count: x.count)
        for i in x.indices {
            #expect(abs(y[i] - NaiveKernels.gelu(x[i])) <= 2e-6 * max(1, abs(y[i])), "gelu(\(x[i]))")
            #expect(abs(d[i] - NaiveKernels.geluGrad(x[i])) <= 2e-6 * max(1, abs(d[i])), "gelu'(\(x[i]))")
            // From the stored tanh (the AVX-512 kernel on CPUs that have it) or recomputed (the Swift loop).
            #expect(abs(d2[i] - d[i]) <= 2e-6 * max(1, abs(d[i])), "gelu'(\(x[i])) from the stored tanh")
        }
        // In place (out == inp, dinp == dout), any length (the vector kernels' masked tails).
        for n in [1, 15, 16, 17, 203] {
            var z = Array(x.prefix(n)), tz = [Float](repeating: 0, count: n)
            Kernels.geluForward(out: &z, inp: Array(x.prefix(n)), tanhOut: &tz, count: n)
            #expect(z == Array(y.prefix(n)) && tz == Array(t.prefix(n)), "length \(n)")
            var g = [Float](repeating: 1, count: n)
            Kernels.geluBackward(dinp: &g, inp: Array(x.prefix(n)), tanhIn: tz, dout: g, count: n)
            #expect(g == Array(d2.prefix(n)), "backward, length \(n)")
        }
    }

    /// AdamW (16 lanes in C on AVX-512 CPUs) is bit-identical to the plain scalar update, decay on and off, over a
    /// length that is not a multiple of the vector width, for several steps.
    @Test func adamWIsBitIdenticalToTheScalarUpdate() throws {
        let model = try GPTModel(config: GPTConfig(vocabSize: 37, nLayer: 1, nHead: 2, nEmbd: 12, blockSize: 8), seed: 3)
        let n = model.params.count
        let opt = AdamW(layout: model.layout, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1)
        var p = model.params.array, m = [Float](repeating: 0, count: n), v = m
        let decays = model.layout.tensors.flatMap { t in [Bool](repeating: t.decays, count: t.count) }
        for step in 1...3 {
            let g = R.randoms(n, seed: UInt64(step))
            let grads = FloatBuffer(count: n)
            for i in 0..<n { grads.pointer[i] = g[i] }
            let lr: Float = 1e-3
            opt.update(params: model.params, grads: grads, lr: lr, threads: 2)
            let bc1 = 1 - pow(Double(opt.beta1), Double(step)), bc2 = 1 - pow(Double(opt.beta2), Double(step))
            let stepSize = Float(Double(lr) / bc1), bc2Sqrt = Float(bc2.squareRoot())
            for i in 0..<n {
                let pi = p[i] * (decays[i] ? 1 - lr * opt.weightDecay : 1)
                m[i] = m[i] + (g[i] - m[i]) * (1 - opt.beta1)
                v[i] = v[i] * opt.beta2 + (1 - opt.beta2) * g[i] * g[i]
                p[i] = pi - stepSize * (m[i] / (v[i].squareRoot() / bc2Sqrt + opt.eps))
            }
            #expect(model.params.array.map(\.bitPattern) == p.map(\.bitPattern), "step \(step)")
            #expect(opt.m.array.map(\.bitPattern) == m.map(\.bitPattern) && opt.v.array.map(\.bitPattern) == v.map(\.bitPattern))
        }
        #expect(n % 16 != 0 || model.layout.tensors.contains { $0.count % 16 != 0 })
    }

    @Test(arguments: [false, true])
    func attentionMatchesBruteForce(packed: Bool) {
        let B = 2, T = 7, C = 8, NH = 2
        let qkv = R.randoms(B * T * 3 * C, seed: 9)
        // Two rows: row 0 packs three conversations (lengths 3, 1, 3), row 1 two (5, 2).
        let segments: [Int32]? = packed ? [0, 0, 0, 1, 2, 2, 2, 0, 0, 0, 0, 0, 1, 1] : nil
        var out = [Float](repeating: 0, count: B * T * C), att = [Float](repeating: 0, count: B * NH * T * T)
        let run = { (seg: UnsafePointer<Int32>?) in
            Kernels.attentionForward(out: &out, att: &att, qkv: qkv, segments: seg, dropMask: nil, attDropped: nil, B: B, T: T, C: C, NH: NH, profile: nil)
        }
        if let segments { segments.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        #expect(R.maxAbsDiff(out, NaiveKernels.attentionForward(qkv, segments: segments, B: B, T: T, C: C, NH: NH)) < 1e-5)
        // Masked probabilities are exactly zero: nothing leaks across conversations or from the future.
        if packed {
            #expect(att[(0 * NH + 0) * T * T + 3 * T + 2] == 0)  // row 0, query 3 (conv 1) vs key 2 (conv 0)
            #expect(att[(0 * NH + 1) * T * T + 6 * T + 3] == 0)
        }
        #expect(att[2 * T + 5] == 0)
    }

    @Test func attentionBackwardByFiniteDifferences() {
        let B = 1, T = 5, C = 4, NH = 2
        let qkv = R.randoms(B * T * 3 * C, seed: 10)
        let segments: [Int32] = [0, 0, 1, 1, 1]
        let dout = R.randoms(B * T * C, seed: 11)
        var out = [Float](repeating: 0, count: B * T * C), att = [Float](repeating: 0, count: B * NH * T * T)
        segments.withUnsafeBufferPointer { s in
            Kernels.attentionForward(out: &out, att: &att, qkv: qkv, segments: s.baseAddress!, dropMask: nil, attDropped: nil, B: B, T: T, C: C, NH: NH, profile: nil)
        }
        var dqkv = [Float](repeating: 0, count: qkv.count), scratch = [Float](repeating: 0, count: T * T)
        Kernels.attentionBackward(dqkv: &dqkv, dout: dout, qkv: qkv, att: att, dropMask: nil, attDropped: nil, scratch: &scratch, B: B, T: T, C: C, NH: NH, profile: nil)
        func loss(_ q: [Float]) -> Double {
            zip(NaiveKernels.attentionForward(q, segments: segments, B: B, T: T, C: C, NH: NH), dout).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for i in stride(from: 0, to: qkv.count, by: 3) {
            var p = qkv, m = qkv
            p[i] += 1e-2; m[i] -= 1e-2
            let fd = (loss(p) - loss(m)) / 2e-2
            #expect(abs(Double(dqkv[i]) - fd) < 3e-3 * max(1, abs(fd)), "dqkv[\(i)] \(dqkv[i]) vs \(fd)")
        }
    }

    @Test func crossEntropyIgnoresMinus100() {
        let N = 5, V = 11
        let logits = R.randoms(N * V, seed: 12, scale: 3)
        let targets: [Int32] = [3, -100, 10, 0, -100]
        var probs = logits, losses = [Float](repeating: 0, count: N)
        let r = targets.withUnsafeBufferPointer { Kernels.softmaxCrossEntropyForward(probs: &probs, losses: &losses, targets: $0.baseAddress!, N: N, V: V) }
        #expect(r.count == 3)
        #expect(abs(r.sum / 3 - NaiveKernels.crossEntropy(logits, targets, N: N, V: V)) < 1e-5)
        #expect(losses[1] == 0 && losses[4] == 0)
        targets.withUnsafeBufferPointer { Kernels.softmaxCrossEntropyBackward(probs: &probs, targets: $0.baseAddress!, scale: 1, N: N, V: V) }
        #expect(probs[V..<(2 * V)].allSatisfy { $0 == 0 })
        #expect(abs(probs[0..<V].reduce(0, +)) < 1e-6)  // p − onehot sums to 0
    }
}
