import AIGCCore
import AIGCFormats
import Foundation
import Testing
import AIGCModel

/// Whole-model behaviour on tiny configurations: finite-difference gradients (with packing, masking and
/// dropout), packed rows equal separate rows, KV-cache decoding equals recomputation, determinism across threads.
@Suite struct ModelTests {
    static let tiny = GPTConfig(vocabSize: 13, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 8)

    static func lossOf(_ engine: GPTEngine, _ batch: TokenBatch) -> Double {
        let r = engine.loss(batch)
        return r.sum / Double(max(1, r.count))
    }

    @Test(arguments: [false, true])
    func gradientsMatchFiniteDifferences(dropout: Bool) throws {
        var config = Self.tiny
        config.dropout = dropout ? 0.2 : 0
        let model = try GPTModel(config: config, seed: 3)
        // Scale the weights up so the loss is not flat in fp32.
        for i in 0..<model.params.count { model.params.pointer[i] *= 8 }
        let batch = TokenBatch(batch: 2, time: 6, inputs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                               targets: [2, 3, -100, 5, 6, 7, 8, -100, 10, 11, 12, 0],
                               positions: [0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 4, 5], segments: [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        let engine = GPTEngine(model: model, batchSize: 2, time: 6, shards: 2, threads: 1, training: true)
        try engine.validate(batch)
        engine.zeroGradients()
        let n = Float(batch.targetCount)
        engine.accumulateGradients(batch, lossScale: 1 / n, dropoutSeed: 77)
        let grads = engine.reduceGradients().grads.array
        // The same masks for every evaluation: loss through accumulateGradients with a fixed seed.
        func loss() -> Double {
            let probe = GPTEngine(model: model, batchSize: 2, time: 6, shards: 2, threads: 1, training: true)
            let r = probe.accumulateGradients(batch, lossScale: 0, dropoutSeed: 77)
            return r.sum / Double(r.count)
        }
        var checked = 0
        for t in model.layout.tensors {
            for k in [0, t.count / 2, t.count - 1] {
                let i = t.offset + k
                let saved = model.params.pointer[i]
                let h: Float = 1e-2
                model.params.pointer[i] = saved + h
                let lp = loss()
                model.params.pointer[i] = saved - h
                let lm = loss()
                model.params.pointer[i] = saved
                let fd = (lp - lm) / Double(2 * h)
                #expect(abs(Double(grads[i]) - fd) <= 2e-3 + 2e-2 * abs(fd), "\(t.name)[\(k)]: \(grads[i]) vs \(fd)")
                checked += 1
            }
        }
        #expect(checked == model.layout.tensors.count * 3)
    }

    @Test func packedRowEqualsSeparateRows() throws {
        let model = try GPTModel(config: Self.tiny, seed: 4)
        let a: [Int32] = [1, 5, 7], b: [Int32] = [2, 9, 4, 4, 11]
        let packed = TokenBatch(batch: 1, time: 8, inputs: a + b, positions: [0, 1, 2, 0, 1, 2, 3, 4], segments: [0, 0, 0, 1, 1, 1, 1, 1])
        let engine = GPTEngine(model: model, batchSize: 1, time: 8, shards: 1, threads: 1, training: false)
        let lp = engine.logits(packed)
        let la = engine.logits(TokenBatch(batch: 1, time: 3, inputs: a))
        let lb = engine.logits(TokenBatch(batch: 1, time: 5, inputs: b))
        #expect(TestSupport.maxAbsDiff(Array(lp[0..<(3 * 13)]), la) < 1e-5)
        #expect(TestSupport.maxAbsDiff(Array(lp[(3 * 13)...]), lb) < 1e-5)
        // Without segments the second conversation would see the first.
        let leaky = engine.logits(TokenBatch(batch: 1, time: 8, inputs: a + b, positions: [0, 1, 2, 0, 1, 2, 3, 4]))
        #expect(TestSupport.maxAbsDiff(Array(leaky[(3 * 13)...]), lb) > 1e-3)
    }

    @Test func maskedLossCountsOnlyLabelledTokens() throws {
        let model = try GPTModel(config: Self.tiny, seed: 5)
        let engine = GPTEngine(model: model, batchSize: 1, time: 4, shards: 1, threads: 1, training: false)
        let x: [Int32] = [3, 4, 5, 6]
        let logits = engine.logits(TokenBatch(batch: 1, time: 4, inputs: x))
        let targets: [Int32] = [-100, 7, -100, 1]
        let r = engine.loss(TokenBatch(batch: 1, time: 4, inputs: x, targets: targets))
        #expect(r.count == 2)
        #expect(abs(r.sum / 2 - NaiveKernels.crossEntropy(logits, targets, N: 4, V: 13)) < 1e-5)
        let none = engine.loss(TokenBatch(batch: 1, time: 4, inputs: x, targets: [-100, -100, -100, -100]))
        #expect(none.count == 0 && none.sum == 0)
    }

    @Test func kvCacheDecodingEqualsFullRecomputation() throws {
        let model = try GPTModel(config: Self.tiny, seed: 6)
        let seq: [Int32] = [1, 4, 9, 3, 12, 0, 7, 2]
        let engine = GPTEngine(model: model, batchSize: 1, time: 8, shards: 1, threads: 1, training: false)
        let full = engine.logits(TokenBatch(batch: 1, time: 8, inputs: seq))
        let inf = GPTInference(model: model, sequences: 1)
        var step = try inf.feed(Array(seq[0..<3]), tNew: 3)  // prefill
        #expect(TestSupport.maxAbsDiff(step, Array(full[(2 * 13)..<(3 * 13)])) < 1e-5)
        for t in 3..<8 {
            step = try inf.feed([seq[t]], tNew: 1)
            #expect(TestSupport.maxAbsDiff(step, Array(full[(t * 13)..<((t + 1) * 13)])) < 1e-5, "position \(t)")
        }
        #expect(throws: AIGCError.self) { _ = try inf.feed([1], tNew: 1) }  // context full
    }

    @Test func greedyDecodingIsDeterministicAndSeedsReproduce() throws {
        let model = try GPTModel(config: Self.tiny, seed: 7)
        var p = SamplingParameters()
        p.maxTokens = 5
        p.temperature = 0
        let g = try Generator(model: model)
        let a = try g.generate(prompt: [1, 2], parameters: p, codec: nil)
        let b = try g.generate(prompt: [1, 2], parameters: p, codec: nil)
        #expect(a[0].tokens == b[0].tokens && a[0].tokens.count == 5 && a[0].finishReason == "length")
        // Greedy = argmax of the recomputed logits at each step.
        let engine = GPTEngine(model: model, batchSize: 1, time: 8, shards: 1, threads: 1, training: false)
        var seq: [Int32] = [1, 2]
        for _ in 0..<5 {
            let l = engine.logits(TokenBatch(batch: 1, time: seq.count, inputs: seq))
            let last = Array(l[((seq.count - 1) * 13)...])
            seq.append(Int32(last.indices.max { last[$0] < last[$1] }!))
        }
        #expect(Array(seq[2...]) == a[0].tokens)
        p.temperature = 1; p.seed = 42; p.n = 3
        let s1 = try g.generate(prompt: [1, 2], parameters: p, codec: nil), s2 = try g.generate(prompt: [1, 2], parameters: p, codec: nil)
        #expect(s1.map(\.tokens) == s2.map(\.tokens))
        // The context limit ends generation with "length".
        p.maxTokens = 100; p.n = 1
        let long = try g.generate(prompt: [1, 2], parameters: p, codec: nil)
        #expect(long[0].tokens.count == 6 && long[0].finishReason == "length")
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        func train(threads: Int) throws -> [Float] {
            let model = try GPTModel(config: Self.tiny, seed: 8)
            let engine = GPTEngine(model: model, batchSize: 4, time: 8, shards: 2, threads: threads, training: true)
            let opt = AdamW(layout: model.layout)
            var rng = Xoshiro256(seed: 1)
            let stream = TokenStream(tokens: (0..<300).map { _ in Int32(rng.nextInt(below: 13)) })
            for _ in 0..<3 {
                engine.zeroGradients()
                engine.accumulateGradients(stream.sampleBatch(batch: 4, time: 8, rng: &rng), lossScale: 1.0 / 32, dropoutSeed: 1)
                let (g, _) = engine.reduceGradients()
                opt.update(params: model.params, grads: g, lr: 1e-2, threads: threads)
            }
            return model.params.array
        }
        #expect(try train(threads: 1) == train(threads: 2))
    }

    /// Other heads (a discriminator's classifier) backpropagate through the trunk from a hidden-state gradient.
    @Test func hiddenStateGradientMatchesFiniteDifferences() throws {
        let model = try GPTModel(config: Self.tiny, seed: 11)
        for i in 0..<model.params.count { model.params.pointer[i] *= 8 }
        let batch = TokenBatch(batch: 1, time: 5, inputs: [1, 2, 3, 4, 5])
        let ws = GPTWorkspace(config: Self.tiny, maxBatch: 1, maxTime: 5, withGradients: true, training: true)
        let r = TestSupport.randoms(5 * 8, seed: 12)  // L = Σ hidden ⊙ r
        func loss() -> Double {
            var rng = Xoshiro256(seed: 0)
            ws.load(batch, rows: 0..<1)
            ws.forward(params: model.params.pointer, rng: &rng)
            return (0..<40).reduce(0.0) { $0 + Double(ws.finalHidden[$1]) * Double(r[$1]) }
        }
        _ = loss()
        ws.grads!.zero()
        r.withUnsafeBufferPointer { ws.backward(params: model.params.pointer, hiddenGradient: $0.baseAddress!) }
        let grads = ws.grads!.array
        for name in ["wte.weight", "h.0.c_attn.weight", "h.1.mlp_proj.bias", "ln_f.weight"] {
            let t = model.layout.tensor(named: name)!
            let i = t.offset + t.count / 3
            let saved = model.params.pointer[i]
            model.params.pointer[i] = saved + 1e-2
            let lp = loss()
            model.params.pointer[i] = saved - 1e-2
            let lm = loss()
            model.params.pointer[i] = saved
            let fd = (lp - lm) / 2e-2
            #expect(abs(Double(grads[i]) - fd) <= 2e-3 + 2e-2 * abs(fd), "\(name): \(grads[i]) vs \(fd)")
        }
    }
}
