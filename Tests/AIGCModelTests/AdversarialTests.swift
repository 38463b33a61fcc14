import AIGCModel
import Foundation
import Testing

/// The (context, reply) discriminator and the adversarial loop on the toy dialogue language.
@Suite struct AdversarialTests {
    static func corpora(_ dir: URL) throws -> (PackedCorpus, PackedCorpus) {
        let all = ToyDialogue.allPairs
        // Every fourth (a, b) is held out, so held-out replies use the same words as training replies.
        let held = all.enumerated().filter { $0.offset % 4 == 3 }.map(\.element)
        let rest = all.enumerated().filter { $0.offset % 4 != 3 }.map(\.element)
        try ToyDialogue.writeCorpus(dir, train: rest, val: held)
        return (try PackedCorpus(directory: dir, split: "train"), try PackedCorpus(directory: dir, split: "val"))
    }

    /// D learns to tell human replies (`a+1, b+1, <|im_end|>`) from ill-formed fakes (three random words, no end
    /// token), and the skill carries over to held-out contexts. (Rule-following vs. random *words* alone is not
    /// a fair unit test at this size: on the 8×8 toy grid every word pair is some context's human reply, so a
    /// small D first memorises reply pairs, which held-out contexts punish.)
    @Test func discriminatorSeparatesHumanFromFakeReplies() throws {
        let dir = TestSupport.tmpDir("disc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (train, val) = try Self.corpora(dir)
        let d = try DialogueDiscriminator(generator: try ToyDialogue.tinyModel(), maxRows: 16, threads: 1, shards: 1, seed: 1)
        var rng = Xoshiro256(seed: 5)
        func fakes(_ p: [DialoguePair]) -> [DialoguePair] {
            p.map { DialoguePair(context: $0.context, reply: (0..<3).map { _ in Int32(rng.nextInt(below: 8)) }) }
        }
        let pairs = train.pairs(maxContext: 10, maxReply: 4), held = val.pairs(maxContext: 10, maxReply: 4)
        let before = d.accuracy(real: held, fake: fakes(held))
        var losses: [Double] = []
        for _ in 0..<40 {
            let real = (0..<8).map { _ in pairs[rng.nextInt(below: pairs.count)] }
            losses.append(d.train(real: real, fake: fakes(real), lr: 3e-3).loss)
        }
        let after = d.accuracy(real: held, fake: fakes(held))
        #expect(after >= 0.9, "held-out accuracy \(before) → \(after)")
        let early: Double = losses.prefix(5).reduce(0, +), late: Double = losses.suffix(5).reduce(0, +)
        #expect(late < early / 2, "D loss \(early / 5) → \(late / 5)")
        let p = d.probabilities(held)
        #expect(p.allSatisfy { $0 > 0.5 && $0 < 1 })
    }

    /// Rounds are logged with every key; a generator learning rate that wrecks the model trips the perplexity
    /// guard, the round is undone, and the final perplexity is within the limit.
    @Test func adversarialRoundsAndPerplexityGuard() throws {
        let dir = TestSupport.tmpDir("adv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (train, val) = try Self.corpora(dir.appendingPathComponent("corpus"))
        // A generator that knows the language a little: a few supervised steps.
        var o = TrainingOptions()
        o.batchSize = 8; o.maxIters = 60; o.lr = 1e-2; o.minLR = 1e-3; o.warmupIters = 5; o.lrDecayIters = 60
        o.evalInterval = 60; o.evalIters = 1; o.weightDecay = 0; o.threads = 1; o.shards = 1
        _ = try Finetuner(options: o, patience: 0).run(base: try ToyDialogue.tinyModel(), train: train, val: val,
                                                       out: dir.appendingPathComponent("ft"), resume: false)
        let g = try GPTModel.load(directory: dir.appendingPathComponent("ft/best"))
        var a = AdversarialOptions()
        a.rounds = 2; a.generatorSteps = 2; a.discriminatorPretrainSteps = 2; a.batchSize = 4; a.mleBatchSize = 2
        a.maxReplyTokens = 3; a.evalPairs = 8; a.threads = 1; a.shards = 1; a.rollouts = 1; a.generatorLR = 1e-3
        let t = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        let rows = try t.run(out: dir.appendingPathComponent("adv"))
        #expect(rows.map(\.round) == [0, 1, 2])
        #expect(rows.allSatisfy { (0...1).contains($0.dAccuracy) && (0...1).contains($0.reward) && $0.valPPL.isFinite && $0.meanLength > 0 })
        let text = try String(contentsOf: dir.appendingPathComponent("adv/metrics.jsonl"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for k in ["round", "d_accuracy", "reward", "val_ppl", "distinct_1", "distinct_2", "mean_length"] { #expect(obj[k] != nil, "\(k)") }
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("adv/adversarial.svg"), encoding: .utf8).hasPrefix("<svg"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("adv/generator/model.safetensors").path))

        // --rounds 0 only evaluates the generator (round 0).
        a.rounds = 0
        let evalOnly = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        #expect(try evalOnly.run(out: dir.appendingPathComponent("adv-eval")).map(\.round) == [0])

        a.rounds = 2; a.generatorLR = 0.5; a.mleSteps = 0; a.maxPplIncrease = 0.01; a.rollouts = 0
        let bad = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        let badRows = try bad.run(out: dir.appendingPathComponent("adv-bad"))
        let last = try #require(badRows.last)
        #expect(last.reverted && (last.rejectedValPPL ?? 0) > bad.basePPL * 1.01)
        #expect(last.valPPL <= bad.basePPL * 1.01 + 1e-9)
        #expect(badRows.count == 2, "training stops at the first rejected round")
    }

    @Test func distinctN() {
        let r = [["a", "b", "a"], ["a", "c"]]
        #expect(AdversarialTrainer.distinct(r, n: 1) == 3.0 / 5.0)
        #expect(AdversarialTrainer.distinct(r, n: 2) == 3.0 / 3.0)
        #expect(AdversarialTrainer.distinct([["x"]], n: 2) == 0)
    }
}
