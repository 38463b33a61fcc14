import AIGCCore
import AIGCFormats
import AIGCModel
import Foundation
import Testing

/// Fine-tuning data handling, vocabulary extension, weighted (policy-gradient) gradients and supervised
/// fine-tuning on the toy dialogue language.
@Suite struct DialogueTests {
    @Test func packedRowsShiftTargetsWithinConversationsOnly() throws {
        let dir = TestSupport.tmpDir("packed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ToyDialogue.writeCorpus(dir, train: [(1, 2), (3, 4), (5, 6)], val: [(0, 0)])
        let c = try PackedCorpus(directory: dir, split: "train")
        #expect(c.rows == 2 && c.seqLen == 16 && c.specialTokens["<|im_end|>"] == 9 && c.vocabSize == 11)
        let b = c.batch(rows: [0, 1])
        let t = try #require(b.targets)
        // Row 0: conversations (1,2) and (3,4). Position 4 (<|im_start|> of the reply) predicts the reply's first
        // token 2; position 6 predicts <|im_end|>; the last token of a conversation predicts nothing.
        #expect(Array(t[0..<8]) == [-100, -100, -100, -100, 2, 3, 9, -100])
        #expect(Array(t[8..<16]) == [-100, -100, -100, -100, 4, 5, 9, -100])
        // Row 1: one conversation, then padding (segment 0) that predicts nothing.
        #expect(Array(t[16..<24]) == [-100, -100, -100, -100, 6, 7, 9, -100])
        #expect(t[24..<32].allSatisfy { $0 == -100 })
        #expect(b.positions.map { Array($0[8..<16]) } == (0..<8).map(Int32.init))
        #expect(b.segments.map { Array($0[0..<16]) } == [Int32](repeating: 1, count: 8) + [Int32](repeating: 2, count: 8))
        // (context, reply) pairs: the reply is the trained run, the context everything before it.
        let p = c.pairs(maxContext: 100, maxReply: 10)
        #expect(p.count == 3)
        #expect(p[0] == DialoguePair(context: [8, 1, 2, 9, 8], reply: [2, 3, 9]))
        #expect(c.pairs(maxContext: 2, maxReply: 2)[1] == DialoguePair(context: [9, 8], reply: [4, 5]))
    }

    @Test func corpusErrorsNameTheProblem() throws {
        let dir = TestSupport.tmpDir("badcorpus")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: AIGCError.self) { try PackedCorpus(directory: dir, split: "train") }
        var w = SafeTensorsWriter()
        try w.add("input_ids", int32s: [1, 2, 3, 4], shape: [2, 2])
        try w.add("labels", int32s: [1, -7, 3, 4], shape: [2, 2])
        try w.add("position_ids", int32s: [0, 1, 0, 1], shape: [2, 2])
        try w.add("segment_ids", int32s: [1, 1, 1, 1], shape: [2, 2])
        try w.write(to: dir.appendingPathComponent("train-00000.safetensors"))
        do {
            _ = try PackedCorpus(directory: dir, split: "train")
            Issue.record("accepted label -7")
        } catch let e as AIGCError {
            #expect(e.description.contains("label -7 at row 0, column 1"))
        }
    }

    /// New embedding rows leave every existing logit unchanged (tied head: old rows, old dot products).
    @Test func vocabularyExtensionKeepsTheModel() throws {
        let base = try ToyDialogue.tinyModel(vocab: 9)
        let big = try base.withVocabulary(11, seed: 3)
        #expect(big.config.vocabSize == 11)
        let batch = TokenBatch(batch: 1, time: 6, inputs: [1, 2, 3, 8, 4, 5])
        let a = GPTEngine(model: base, batchSize: 1, time: 6, shards: 1, threads: 1, training: false).logits(batch)
        let b = GPTEngine(model: big, batchSize: 1, time: 6, shards: 1, threads: 1, training: false).logits(batch)
        for t in 0..<6 { #expect(TestSupport.maxAbsDiff(Array(a[(t * 9)..<(t * 9 + 9)]), Array(b[(t * 11)..<(t * 11 + 9)])) < 1e-5) }
        let wte = try #require(big.parameter("wte.weight"))
        let old = try #require(base.parameter("wte.weight"))
        #expect(Array(wte[0..<(9 * 16)]) == old)
        for j in 0..<16 {
            let mean = (0..<9).map { old[$0 * 16 + j] }.reduce(0, +) / 9
            #expect(abs(wte[9 * 16 + j] - mean) < 0.1 && abs(wte[10 * 16 + j] - mean) < 0.1)
        }
        #expect(Array(wte[(9 * 16)..<(10 * 16)]) != Array(wte[(10 * 16)..<(11 * 16)]))
        #expect(throws: AIGCError.self) { try big.withVocabulary(5, seed: 1) }
    }

    /// Per-token weights give exactly the weighted sum of per-token cross-entropy gradients.
    @Test func weightedGradientsAreWeightedCrossEntropyGradients() throws {
        let model = try ToyDialogue.tinyModel()
        let e = GPTEngine(model: model, batchSize: 2, time: 8, shards: 2, threads: 1, training: true)
        let inputs: [Int32] = [8, 1, 2, 9, 8, 2, 3, 9, 8, 4, 5, 9, 8, 5, 6, 9]
        var targets = [Int32](repeating: -100, count: 16)
        targets[4] = 2; targets[5] = 3; targets[12] = 5; targets[13] = 6
        func grads(_ t: [Int32], weights: [Float]?, scale: Float) -> [Float] {
            e.zeroGradients()
            let b = TokenBatch(batch: 2, time: 8, inputs: inputs, targets: t)
            if let weights { e.accumulateWeightedGradients(b, weights: weights, lossScale: scale, dropoutSeed: 0) } else {
                e.accumulateGradients(b, lossScale: scale, dropoutSeed: 0)
            }
            return e.reduceGradients().grads.array
        }
        let plain = grads(targets, weights: nil, scale: 0.25)
        #expect(TestSupport.maxAbsDiff(grads(targets, weights: [Float](repeating: 1, count: 16), scale: 0.25), plain) < 1e-6)
        var w = [Float](repeating: 0, count: 16)
        w[4] = 2; w[5] = 2; w[12] = -0.5; w[13] = -0.5
        let weighted = grads(targets, weights: w, scale: 1)
        var row0 = [Int32](repeating: -100, count: 16), row1 = row0
        row0[4] = 2; row0[5] = 3; row1[12] = 5; row1[13] = 6
        let expected = zip(grads(row0, weights: nil, scale: 2), grads(row1, weights: nil, scale: -0.5)).map { $0 + $1 }
        #expect(TestSupport.maxAbsDiff(weighted, expected) < 1e-5)
        #expect(TestSupport.maxAbsDiff(weighted, plain) > 1e-3)
    }

    /// A step along the weighted gradient raises log π(y) for positive weight and lowers it for negative.
    @Test func policyGradientFollowsTheAdvantage() throws {
        for sign: Float in [1, -1] {
            let model = try ToyDialogue.tinyModel()
            let e = GPTEngine(model: model, batchSize: 1, time: 4, shards: 1, threads: 1, training: true)
            let inputs: [Int32] = [8, 1, 2, 9]
            var targets = [Int32](repeating: -100, count: 4); targets[3] = 5
            func logProb() -> Double {
                let l = e.logits(TokenBatch(batch: 1, time: 4, inputs: inputs))
                let row = Array(l[(3 * 11)..<(4 * 11)]).map(Double.init)
                let mx = row.max()!
                return row[5] - mx - log(row.map { exp($0 - mx) }.reduce(0, +))
            }
            let before = logProb()
            e.zeroGradients()
            e.accumulateWeightedGradients(TokenBatch(batch: 1, time: 4, inputs: inputs, targets: targets),
                                          weights: [0, 0, 0, sign], lossScale: 1, dropoutSeed: 0)
            let g = e.reduceGradients().grads
            for i in 0..<model.params.count { model.params.pointer[i] -= 0.05 * g.pointer[i] }
            let after = logProb()
            #expect(sign > 0 ? after > before + 0.01 : after < before - 0.01, "sign \(sign): \(before) → \(after)")
        }
    }

    /// Fine-tuning learns the replies (loss on trained tokens falls far below chance), extends the vocabulary
    /// for the corpus's special tokens, writes best/ and finetune.json, and stops early when asked.
    @Test func finetuningLearnsTheReplies() throws {
        let dir = TestSupport.tmpDir("finetune")
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = ToyDialogue.allPairs
        try ToyDialogue.writeCorpus(dir.appendingPathComponent("corpus"), train: all, val: Array(all.prefix(8)))
        let train = try PackedCorpus(directory: dir.appendingPathComponent("corpus"), split: "train")
        let val = try PackedCorpus(directory: dir.appendingPathComponent("corpus"), split: "val")
        let base = try ToyDialogue.tinyModel(vocab: 8)  // no special tokens yet: extended to 11
        var o = TrainingOptions()
        o.batchSize = 8; o.maxIters = 150; o.lr = 1e-2; o.minLR = 1e-3; o.warmupIters = 5; o.lrDecayIters = 150
        o.evalInterval = 50; o.evalIters = 2; o.weightDecay = 0; o.threads = 1; o.shards = 1
        let s = try Finetuner(options: o, patience: 0).run(base: base, train: train, val: val, out: dir.appendingPathComponent("ft"), resume: false)
        #expect(s.baseVocabSize == 8 && s.vocabSize == 11)
        let baseLoss = try #require(s.baseValLoss), best = try #require(s.bestValLoss)
        #expect(baseLoss > 2 && best < 0.7, "val loss \(baseLoss) → \(best)")
        #expect(s.iters == 150 && !s.stoppedEarly)
        let saved = try GPTModel.load(directory: dir.appendingPathComponent("ft/best"))
        #expect(saved.config.vocabSize == 11)
        for f in ["metrics.jsonl", "loss.svg", "train_state.json", "optimizer.safetensors", "finetune.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ft/\(f)").path), "\(f)")
        }
        // With a learning rate of ~0 nothing improves after the first evaluation: patience 1 stops at the second.
        o.lr = 1e-9; o.minLR = 1e-9
        var early = Finetuner(options: o, patience: 1)
        early.minDelta = 1e-3
        let s2 = try early.run(base: base, train: train, val: val, out: dir.appendingPathComponent("ft2"), resume: false)
        #expect(s2.stoppedEarly && s2.iters == 100)
    }

    /// Stopping after 20 iterations and resuming to 40 ends with the same weights as one run to 40.
    @Test func finetuningResumesBitIdentically() throws {
        let dir = TestSupport.tmpDir("ft-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ToyDialogue.writeCorpus(dir.appendingPathComponent("corpus"), train: Array(ToyDialogue.allPairs.prefix(16)), val: [(1, 1), (2, 3)])
        let train = try PackedCorpus(directory: dir.appendingPathComponent("corpus"), split: "train")
        let val = try PackedCorpus(directory: dir.appendingPathComponent("corpus"), split: "val")
        let base = try ToyDialogue.tinyModel()
        var o = TrainingOptions()
        o.batchSize = 4; o.maxIters = 40; o.lr = 5e-3; o.minLR = 5e-4; o.warmupIters = 3; o.lrDecayIters = 40
        o.evalInterval = 10; o.evalIters = 1; o.threads = 1; o.shards = 1
        _ = try Finetuner(options: o, patience: 0).run(base: base, train: train, val: val, out: dir.appendingPathComponent("whole"), resume: false)
        var first = o
        first.maxIters = 20
        _ = try Finetuner(options: first, patience: 0).run(base: base, train: train, val: val, out: dir.appendingPathComponent("split"), resume: false)
        let s = try Finetuner(options: o, patience: 0).run(base: nil, train: train, val: val, out: dir.appendingPathComponent("split"), resume: true)
        #expect(s.iters == 40)
        let a = try Data(contentsOf: dir.appendingPathComponent("whole/model.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("split/model.safetensors"))
        #expect(a == b)
    }

    @Test func replyEvaluationCountsTokensWordsAndMatchesTheCorpusLoss() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reply-eval-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let val = Array(ToyDialogue.allPairs.prefix(5))
        try ToyDialogue.writeCorpus(dir, train: ToyDialogue.allPairs, val: val)
        let corpus = try PackedCorpus(directory: dir, split: "val")
        let engine = GPTEngine(model: try ToyDialogue.tinyModel(), batchSize: 2, time: 16, shards: 1, threads: 1, training: false)
        var seen: [[Int32]] = []
        let r = ReplyEvaluation.run(engine: engine, corpus: corpus, batchSize: 2, endToken: ToyDialogue.end) { ids in
            seen.append(ids); return ids.count
        }
        // Each conversation has one reply: two words and the end token, which is scored but is not a word.
        #expect(r.replies == 5 && r.tokens == 15 && r.words == 10)
        #expect(seen.allSatisfy { $0.count == 2 && !$0.contains(ToyDialogue.end) })
        // The fine-tuner's validation loss, computed with other batches (so float sums differ in the last bits).
        let other = GPTEngine(model: engine.model, batchSize: 3, time: 16, shards: 1, threads: 1, training: false)
        let reference = CorpusEvaluation.meanLoss(engine: other, corpus: corpus, batchSize: 3)
        #expect(abs(r.meanLoss - reference.loss) < 1e-5 * reference.loss && reference.tokens == 15)
        #expect(abs(r.wordPerplexity - exp(r.nll / 10)) < 1e-9 && r.wordPerplexity > r.tokenPerplexity)
    }

    @Test func wordCountSplitsOnUnicodeWhitespace() {
        #expect(ReplyEvaluation.wordCount("") == 0)
        #expect(ReplyEvaluation.wordCount("  Hello ,  world ! ") == 4)
        #expect(ReplyEvaluation.wordCount("a\u{00A0}b\u{3000}c\nd\te") == 5)
        #expect(ReplyEvaluation.wordCount("日本語のテキスト") == 1)
    }
}
