import AIGC
@testable import AIGCModel
import Foundation
import Testing

/// Continuous batching: a request's output does not depend on what else is in the batch.
@Suite struct EngineTests {
    static func loaded() throws -> LoadedModel { try LoadedModel(id: "tiny", directory: ServeFixture.modelDirectory) }

    static func params(seed: UInt64, temperature: Double, maxTokens: Int = 12, n: Int = 1) -> SamplingParameters {
        var p = SamplingParameters()
        p.seed = seed
        p.temperature = temperature
        p.maxTokens = maxTokens
        p.n = n
        return p
    }

    static func collect(_ r: InferenceEngine.Request) async throws -> [Completion] {
        var out: [Completion] = []
        for try await e in r.events { if case .finished(let c) = e { out.append(c) } }
        return out.sorted { $0.index < $1.index }
    }

    @Test func batchedDecoderRowsDoNotDependOnTheBatch() throws {
        let m = try Self.loaded().model
        let alone = try BatchedDecoder(model: m, slots: 1)
        try alone.step([.init(slot: 0, tokens: [5, 6, 7])])
        let firstAlone = Array(alone.logits(0))
        try alone.step([.init(slot: 0, tokens: [8])])
        let a = Array(alone.logits(0))
        let crowd = try BatchedDecoder(model: m, slots: 6)
        // A decode row beside two prompts: the last layer keeps only each segment's last row (compacted), and the
        // prompt's logits are still bit-identical to its step alone.
        try crowd.step([.init(slot: 5, tokens: [40]), .init(slot: 3, tokens: [5, 6, 7]), .init(slot: 0, tokens: [1, 2, 3, 4, 9, 10, 11])])
        #expect(Array(crowd.logits(1)) == firstAlone)
        try crowd.step([.init(slot: 0, tokens: [12]), .init(slot: 5, tokens: [41]), .init(slot: 3, tokens: [8]), .init(slot: 1, tokens: [2, 2])])
        #expect(Array(crowd.logits(2)) == a)
    }

    /// bf16 weights: one kernel for prompt and decode rows, so a row's logits are bit-identical alone and in a
    /// crowd of prompts and decode rows; and they stay close to fp32's.
    @Test func bf16RowsDoNotDependOnTheBatchAndStayCloseToFP32() throws {
        let m = try Self.loaded().model
        let alone = try BatchedDecoder(model: m, slots: 1, weights: .bf16)
        #expect(alone.weights == .bf16)
        try alone.step([.init(slot: 0, tokens: [5, 6, 7])])
        let firstAlone = Array(alone.logits(0))
        try alone.step([.init(slot: 0, tokens: [8])])
        let a = Array(alone.logits(0))
        let crowd = try BatchedDecoder(model: m, slots: 6, weights: .bf16)
        try crowd.step([.init(slot: 0, tokens: [1, 2, 3, 4, 9, 10, 11]), .init(slot: 3, tokens: [5, 6, 7]), .init(slot: 5, tokens: [40])])
        #expect(Array(crowd.logits(1)) == firstAlone)
        try crowd.step([.init(slot: 0, tokens: [12]), .init(slot: 5, tokens: [41]), .init(slot: 3, tokens: [8]), .init(slot: 1, tokens: [2, 2])])
        #expect(Array(crowd.logits(2)) == a)
        let fp32 = try BatchedDecoder(model: m, slots: 1)
        try fp32.step([.init(slot: 0, tokens: [5, 6, 7, 8])])
        let f = Array(fp32.logits(0))
        let scale = f.map(abs).max() ?? 1
        let worst = zip(a, f).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 0.02 * max(1, scale), "bf16 vs fp32 logits: max |Δ| \(worst), max |logit| \(scale)")
        #expect(a != f)  // really another precision
    }

    @Test func bf16SameSeedSameTextAloneOrInABatch() async throws {
        let loaded = try Self.loaded()
        let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: 8, maxQueue: 64, weights: .bf16))
        let prompt = try loaded.encode("hello world")
        let sampled = Self.params(seed: 7, temperature: 0.9, n: 2)
        let alone = try await Self.collect(try engine.submit(prompt: prompt, parameters: sampled))
        var others: [InferenceEngine.Request] = []
        for i in 0..<6 {
            others.append(try engine.submit(prompt: try loaded.encode("the dog \(i)"), parameters: Self.params(seed: UInt64(i), temperature: 1, maxTokens: 20)))
        }
        let batched = try await Self.collect(try engine.submit(prompt: prompt, parameters: sampled))
        for o in others { _ = try await Self.collect(o) }
        #expect(batched.map(\.tokens) == alone.map(\.tokens))
        let viaGenerator = try Generator(model: loaded.model, weights: .bf16).generate(prompt: prompt, parameters: sampled, codec: loaded.codec)
        #expect(viaGenerator.map(\.tokens) == alone.map(\.tokens))
        engine.shutdown()
    }

    /// A burst of prompts, prefilled by the prefill thread alone or (some of them) by the decode thread between its
    /// steps: the same text, token for token, in both precisions.
    @Test(arguments: [WeightPrecision.fp32, .bf16])
    func decodeThreadPrefillsGiveTheSameText(weights: WeightPrecision) async throws {
        let loaded = try Self.loaded()
        func burst(_ help: InferenceEngine.PrefillHelp) async throws -> ([[Completion]], Int) {
            let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: 8, maxQueue: 64, weights: weights))
            engine.setPrefillHelp(help)
            engine.setPaused(true)  // hold admission, so the whole burst waits for prefill at once
            var requests: [InferenceEngine.Request] = []
            for i in 0..<6 {
                let p = Self.params(seed: UInt64(10 + i), temperature: i % 2 == 0 ? 0 : 0.9, maxTokens: 10 + i, n: i == 3 ? 2 : 1)
                requests.append(try engine.submit(prompt: try loaded.encode("burst number \(i) of prompts"), parameters: p))
            }
            engine.setPaused(false)
            var out: [[Completion]] = []
            for r in requests { out.append(try await Self.collect(r)) }
            let helped = engine.helpedPrefills
            engine.shutdown()
            return (out, helped)
        }
        let (plain, none) = try await burst(.never)
        let (helped, some) = try await burst(.always)
        #expect(none == 0)
        #expect(some >= 1)
        #expect(helped.map { $0.map(\.tokens) } == plain.map { $0.map(\.tokens) })
        #expect(helped.map { $0.map(\.text) } == plain.map { $0.map(\.text) })
        #expect(plain.allSatisfy { !$0.isEmpty })
    }

    @Test func sameSeedSameTextAloneOrInAFullBatch() async throws {
        let loaded = try Self.loaded()
        let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: 8, maxQueue: 64))
        let prompt = try loaded.encode("hello world")
        let greedy = Self.params(seed: 1, temperature: 0)
        let sampled = Self.params(seed: 99, temperature: 0.9, n: 2)
        let aloneGreedy = try await Self.collect(try engine.submit(prompt: prompt, parameters: greedy))
        let aloneSampled = try await Self.collect(try engine.submit(prompt: prompt, parameters: sampled))
        // The same two requests among 10 others with other prompts and seeds, all at once.
        var others: [InferenceEngine.Request] = []
        for i in 0..<10 {
            others.append(try engine.submit(prompt: try loaded.encode("the cat \(i) sat"), parameters: Self.params(seed: UInt64(i), temperature: 1, maxTokens: 20)))
        }
        let g = try engine.submit(prompt: prompt, parameters: greedy)
        let s = try engine.submit(prompt: prompt, parameters: sampled)
        let batchedGreedy = try await Self.collect(g), batchedSampled = try await Self.collect(s)
        for o in others { _ = try await Self.collect(o) }
        #expect(batchedGreedy.map(\.tokens) == aloneGreedy.map(\.tokens))
        #expect(batchedSampled.map(\.tokens) == aloneSampled.map(\.tokens))
        #expect(aloneSampled.count == 2 && aloneSampled[0].tokens != aloneSampled[1].tokens)
        // The CLI's generator samples the same way.
        let viaGenerator = try Generator(model: loaded.model).generate(prompt: prompt, parameters: sampled, codec: loaded.codec)
        #expect(viaGenerator.map(\.tokens) == aloneSampled.map(\.tokens))
        engine.shutdown()
    }

    @Test func fullQueueIsRefusedAndCancelledRequestsLeave() async throws {
        let loaded = try Self.loaded()
        let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: 1, maxQueue: 1))
        let long = Self.params(seed: 1, temperature: 1, maxTokens: 80)
        engine.setPaused(true)
        let first = try engine.submit(prompt: [1], parameters: long)
        var refused = false
        do { _ = try engine.submit(prompt: [3], parameters: long) } catch InferenceEngine.EngineError.queueFull { refused = true }
        #expect(refused)
        first.cancel()
        engine.setPaused(false)
        var firstFailed = false
        do { _ = try await Self.collect(first) } catch { firstFailed = error is CancellationError }
        #expect(firstFailed)
        // Slots are free again: a new request completes.
        let third = try await Self.collect(try engine.submit(prompt: [4], parameters: Self.params(seed: 2, temperature: 0, maxTokens: 3)))
        #expect(third.count == 1)
        engine.shutdown()
    }

    /// True when byte offset `cut` lies strictly inside a well-formed multi-byte UTF-8 sequence of `b`.
    static func insideCharacter(_ b: [UInt8], _ cut: Int) -> Bool {
        var i = 0
        while i < b.count {
            let lead = b[i]
            let len = lead < 0x80 ? 1 : lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1
            if len > 1, i + len <= b.count, b[(i + 1) ..< (i + len)].allSatisfy({ $0 & 0xC0 == 0x80 }),
               String(validating: b[i ..< (i + len)], as: UTF8.self) != nil {
                if cut > i && cut < i + len { return true }
                i += len
            } else {
                i += 1
            }
        }
        return false
    }

    @Test func streamedPiecesAreWholeCharactersAndNeverAStopPrefix() async throws {
        let loaded = try Self.loaded()
        let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: 4, maxQueue: 8))
        for seed in UInt64(0)..<12 {
            var p = Self.params(seed: seed, temperature: 1.5, maxTokens: 60)
            p.stop = ["e", "\u{FFFD}"]
            let r = try engine.submit(prompt: try loaded.encode("héllo wörld ✓"), parameters: p)
            var pieces: [[UInt8]] = []
            var final: Completion?
            for try await e in r.events {
                switch e {
                case .delta(_, let b): pieces.append(b)
                case .finished(let c): final = c
                case .firstToken: break
                }
            }
            let all = pieces.flatMap { $0 }
            #expect(all == final?.bytes)
            #expect(!all.contains(UInt8(ascii: "e")))
            // No boundary between pieces falls inside a well-formed UTF-8 character of the whole text.
            var boundary = 0
            for piece in pieces.dropLast() {
                boundary += piece.count
                #expect(!Self.insideCharacter(all, boundary), "piece boundary \(boundary) splits a character")
            }
        }
        engine.shutdown()
    }
}

/// The decode attention kernel agrees with the BLAS one for a single new token.
@Suite struct DecodeAttentionTests {
    /// `tNew` new tokens after `past` cached ones (random, seeded; their keys and values already in the cache):
    /// `cachedAttentionForward` over the whole block, and `decodeAttention` row by row over each row's causal prefix.
    static func blockAndRows(C: Int, NH: Int, past: Int, tNew: Int, seed: UInt64) -> (block: [Float], rows: [Float]) {
        let T = past + tNew
        var rng = Xoshiro256(seed: seed)
        var qkv = (0..<(tNew * 3 * C)).map { _ in Float(rng.nextNormal()) }
        var kc = (0..<(T * C)).map { _ in Float(rng.nextNormal()) }
        var vc = (0..<(T * C)).map { _ in Float(rng.nextNormal()) }
        for i in 0..<tNew {
            for d in 0..<C { kc[(past + i) * C + d] = qkv[i * 3 * C + C + d]; vc[(past + i) * C + d] = qkv[i * 3 * C + 2 * C + d] }
        }
        var a = [Float](repeating: 0, count: tNew * C), b = [Float](repeating: 0, count: tNew * C)
        var scratch = [Float](repeating: 0, count: max(T * T, NH * T) + 16)
        qkv.withUnsafeMutableBufferPointer { q in
            kc.withUnsafeMutableBufferPointer { k in
                vc.withUnsafeMutableBufferPointer { v in
                    scratch.withUnsafeMutableBufferPointer { s in
                        a.withUnsafeMutableBufferPointer { ao in
                            Kernels.cachedAttentionForward(out: ao.baseAddress!, qkv: q.baseAddress!, kCache: k.baseAddress!, vCache: v.baseAddress!,
                                                           scratch: s.baseAddress!, S: 1, tNew: tNew, past: past, maxT: T, C: C, NH: NH, profile: nil)
                        }
                        b.withUnsafeMutableBufferPointer { bo in
                            for i in 0..<tNew {
                                Kernels.decodeAttention(out: bo.baseAddress! + i * C, q: q.baseAddress! + i * 3 * C, k: k.baseAddress!,
                                                        v: v.baseAddress!, len: past + i + 1, C: C, NH: NH, scores: s.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (a, b)
    }

    @Test func matchesCachedAttention() {
        for (C, NH, past) in [(32, 2, 0), (48, 4, 7), (64, 4, 30), (40, 5, 3), (384, 6, 40), (96, 1, 17), (160, 2, 5)] {
            let (a, b) = Self.blockAndRows(C: C, NH: NH, past: past, tNew: 1, seed: UInt64(C + past))
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }, "C=\(C) NH=\(NH) past=\(past)")
        }
    }

    /// A prompt block (several new tokens, causal softmax per row, 16-lane on AVX-512 CPUs): row i equals the decode
    /// kernel over the first past + i + 1 cache rows, and nothing of a later row leaks into an earlier one.
    @Test func promptBlockRowsMatchTheDecodeKernel() {
        for (C, NH, past, tNew) in [(32, 2, 0, 5), (48, 4, 7, 3), (384, 6, 20, 37), (96, 1, 0, 18), (64, 4, 15, 2)] {
            let (a, b) = Self.blockAndRows(C: C, NH: NH, past: past, tNew: tNew, seed: UInt64(C * 7 + past + tNew))
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
            #expect(worst <= 1e-5, "C=\(C) NH=\(NH) past=\(past) tNew=\(tNew): \(worst)")
        }
    }
}
