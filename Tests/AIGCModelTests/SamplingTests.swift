import AIGCCore
import Foundation
import Testing
import AIGCModel

/// OpenAI sampling semantics on hand-made logits and a tiny model with a character codec.
@Suite struct SamplingTests {
    @Test func topKAndTopPRestrictTheCandidates() {
        let logits: [Float] = [0, 3, 2.9, -1, 2.95]
        var p = SamplingParameters()
        p.topK = 2
        var rng = Xoshiro256(seed: 1)
        let k = Set((0..<400).map { _ in Sampler.sample(logits, parameters: p, rng: &rng) })
        #expect(k == [1, 4])
        p.topK = 0
        p.topP = 0.01  // only the most likely token
        #expect(Set((0..<100).map { _ in Sampler.sample(logits, parameters: p, rng: &rng) }) == [1])
        p.topP = 1
        p.temperature = 0
        #expect(Sampler.sample(logits, parameters: p, rng: &rng) == 1)
        // High temperature spreads the mass: every token shows up.
        p.temperature = 2
        #expect(Set((0..<2000).map { _ in Sampler.sample(logits, parameters: p, rng: &rng) }).count == 5)
    }

    @Test func penaltiesFollowOpenAIFormula() {
        var logits: [Float] = [1, 1, 1]
        Sampler.applyPenalties(&logits, counts: [0: 3, 2: 1], presence: 0.5, frequency: 0.25)
        #expect(logits == [1 - 0.75 - 0.5, 1, 1 - 0.25 - 0.5])
    }

    @Test func logprobsAreLogSoftmax() {
        let lp = Sampler.logprobs([0, 1, 2], chosen: 1, top: 2)
        let z = log(exp(0.0) + exp(1.0) + exp(2.0))
        #expect(abs(lp.logprob - (1 - z)) < 1e-9)
        #expect(lp.top.map(\.token) == [2, 1])
    }

    @Test func stopSequencesAreCutAndNotReturned() throws {
        let codec = CharacterCodec(itos: ["a", "b", "\n", "c"])
        let model = try GPTModel(config: GPTConfig(vocabSize: 4, nLayer: 1, nHead: 1, nEmbd: 4, blockSize: 32), seed: 1)
        var p = SamplingParameters()
        p.maxTokens = 25
        p.seed = 3
        p.n = 4
        p.logprobs = 1
        let free = try Generator(model: model).generate(prompt: [0], parameters: p, codec: codec)
        p.stop = ["b\n", "cc"]
        var streamed = [Int: [UInt8]]()
        let stopped = try Generator(model: model).generate(prompt: [0], parameters: p, codec: codec) { i, bytes in streamed[i, default: []] += bytes }
        for (f, s) in zip(free, stopped) {
            // Same seed: the stopped text is the free text cut before the first stop sequence.
            let ft = f.text
            let cut = ["b\n", "cc"].compactMap { ft.range(of: $0)?.lowerBound }.min()
            if let cut {
                #expect(s.text == String(ft[..<cut]) && s.finishReason == "stop")
                #expect(!s.text.contains("b\n") && !s.text.contains("cc"))
            } else {
                #expect(s.text == ft && s.finishReason == "length")
            }
            #expect(s.tokens.count == s.logprobs?.count)
            #expect(String(decoding: streamed[s.index] ?? [], as: UTF8.self) == s.text)
        }
        #expect(stopped.contains { $0.finishReason == "stop" })
    }

    @Test func characterCodecRejectsUnknownCharacters() throws {
        let codec = CharacterCodec(itos: ["a", "b"])
        #expect(throws: AIGCError.self) { _ = try codec.encode("abz") }
        #expect(try codec.encode("ba") == [1, 0])
    }
}
