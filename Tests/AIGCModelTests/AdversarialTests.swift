import AIGCCore
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

    /// The two-way loss's gradient is binary cross-entropy's on `d = h·e_a − h·e_b`: it matches finite differences
    /// of a naive reference (softplus on the engine's raw logits), and no gradient reaches the LM-head rows of
    /// the other tokens (full-vocabulary cross-entropy on the same targets does push them).
    @Test func twoWayGradientMatchesFiniteDifferences() throws {
        let model = try ToyDialogue.tinyModel(seed: 3)
        for i in 0..<model.params.count { model.params.pointer[i] *= 4 }  // logits well away from uniform
        let V = ToyDialogue.vocab, C = model.config.nEmbd, a: Int32 = 3, b: Int32 = 7
        let e = GPTEngine(model: model, batchSize: 2, time: 6, shards: 2, threads: 1, training: true)
        let inputs: [Int32] = [8, 1, 2, 9, 8, 1, 8, 4, 4, 9, 8, 6]
        var targets = [Int32](repeating: -100, count: 12)
        targets[3] = a; targets[5] = b; targets[10] = b; targets[11] = a
        let batch = TokenBatch(batch: 2, time: 6, inputs: inputs, targets: targets)
        let scale: Float = 0.25
        func softplus(_ x: Double) -> Double { log(1 + exp(x)) }
        func reference() -> (loss: Double, d: [Double]) {
            let l = e.logits(TokenBatch(batch: 2, time: 6, inputs: inputs))
            var sum = 0.0, d = [Double](repeating: 0, count: 12)
            for n in 0..<12 where targets[n] >= 0 {
                d[n] = Double(l[n * V + Int(a)]) - Double(l[n * V + Int(b)])
                sum += targets[n] == a ? softplus(-d[n]) : softplus(d[n])
            }
            return (sum * Double(scale), d)
        }
        e.zeroGradients()
        let r = e.accumulateTwoWayGradients(batch, classes: a, b, lossScale: scale, dropoutSeed: 0)
        let g = e.reduceGradients().grads.array
        let ref = reference()
        #expect(r.count == 4)
        #expect(abs(r.sum * Double(scale) - ref.loss) < 1e-5, "\(r.sum * Double(scale)) vs \(ref.loss)")
        #expect(zip(r.differences, ref.d).allSatisfy { abs($0 - $1) < 1e-4 }, "\(r.differences) vs \(ref.d)")
        #expect(ref.d.contains { abs($0) > 0.5 }, "logit differences \(ref.d) too small for a meaningful check")
        let wte = model.layout.wte
        var checked = [wte + Int(a) * C + 5, wte + Int(b) * C + 2, wte + 1 * C + 4]
        for name in ["h.0.c_attn.weight", "h.0.mlp_proj.bias", "ln_f.weight", "wpe.weight"] {
            let t = try #require(model.layout.tensor(named: name), "\(name)")
            checked.append(t.offset + t.count / 3)
        }
        for i in checked {
            let saved = model.params.pointer[i]
            model.params.pointer[i] = saved + 1e-2
            let lp = reference().loss
            model.params.pointer[i] = saved - 1e-2
            let lm = reference().loss
            model.params.pointer[i] = saved
            let fd = (lp - lm) / 2e-2
            #expect(abs(Double(g[i]) - fd) <= 2e-4 + 2e-2 * abs(fd), "parameter \(i): \(g[i]) vs \(fd)")
        }
        #expect(checked.contains { abs(g[$0]) > 1e-3 }, "the checked gradients are all ≈ 0")
        // Tokens 0, 5 and 10 are neither inputs nor classes: their embedding rows only feed the LM head.
        let untouched = [0, 5, 10].flatMap { v in (0..<C).map { wte + v * C + $0 } }
        #expect(untouched.allSatisfy { g[$0] == 0 })
        e.zeroGradients()
        e.accumulateGradients(batch, lossScale: scale, dropoutSeed: 0)
        let full = e.reduceGradients().grads.array
        #expect(untouched.contains { abs(full[$0]) > 1e-4 }, "full-vocabulary cross-entropy pushes the other rows")
    }

    /// Replies of one repeated word (human) vs another (sampled), the plainest difference there is: the two-way
    /// loss separates them on held-out contexts within 30 updates at lr 3e-4. The full-vocabulary loss the
    /// discriminator used before, with the same updates, stays at exactly chance: its P(real) sits at one
    /// near-constant below 0.5, so every held-out reply lands on the same side — the 0.500 of docs/gan.md. (It
    /// gets there too, later: ~60 updates at this lr; 20 at 1e-3 against the two-way loss's 10.)
    @Test func twoWayLossSeparatesWhatTheVocabularyLossDoesNot() throws {
        let contexts = ToyDialogue.allPairs.map { [ToyDialogue.start, $0.0, $0.1, ToyDialogue.end, ToyDialogue.start] }
        let held = contexts.enumerated().filter { $0.offset % 4 == 3 }.map(\.element)
        let train = contexts.enumerated().filter { $0.offset % 4 != 3 }.map(\.element)
        func pairs(_ c: [[Int32]], _ word: Int32) -> [DialoguePair] { c.map { DialoguePair(context: $0, reply: [word, word, word, ToyDialogue.end]) } }
        func run(_ loss: DiscriminatorLoss, lr: Float, steps: Int) throws -> (accuracy: Double, score: DiscriminatorScore) {
            let d = try DialogueDiscriminator(generator: try ToyDialogue.tinyModel(), maxRows: 16, threads: 1, shards: 1, seed: 1, loss: loss)
            var rng = Xoshiro256(seed: 5)
            for _ in 0..<steps {
                let c = (0..<8).map { _ in train[rng.nextInt(below: train.count)] }
                d.train(real: pairs(c, 1), fake: pairs(c, 2), lr: lr)
            }
            let s = d.score(real: pairs(held, 1), fake: pairs(held, 2))
            return (s.accuracy, s)
        }
        let twoWay = try run(.twoWay, lr: 3e-4, steps: 30), vocabulary = try run(.vocabulary, lr: 3e-4, steps: 30)
        #expect(twoWay.accuracy >= 0.9, "\(twoWay.score)")
        #expect(vocabulary.accuracy < 0.6, "\(vocabulary.score)")
        // The old loss does rank the two sets (AUC 1), but its P(real) is one near-constant below 0.5 for all.
        #expect(vocabulary.score.maxReal < 0.5 && vocabulary.score.maxReal - vocabulary.score.minReal < 0.05, "\(vocabulary.score)")
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
        let objs = try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let roundRows = objs.filter { $0["round"] != nil }, curveRows = objs.filter { $0["d_step"] != nil }
        #expect(roundRows.count == 3 && curveRows.count + roundRows.count == objs.count)
        for obj in roundRows {
            for k in ["round", "d_accuracy", "reward", "val_ppl", "distinct_1", "distinct_2", "mean_length"] { #expect(obj[k] != nil, "\(k)") }
        }
        // The discriminator's pretraining curve: before any update and after the last (2 < the interval of 10).
        #expect(curveRows.compactMap { $0["d_step"] as? Int } == [0, 2] && t.discriminatorCurve.map(\.step) == [0, 2])
        for obj in curveRows {
            for k in ["d_heldout_accuracy", "d_heldout_auc", "d_heldout_loss", "p_real_human", "p_real_sampled", "p_real_min", "p_real_max"] {
                #expect(obj[k] is Double, "\(k)")
            }
        }
        #expect(curveRows[0]["d_loss"] as? String == "two-way" && curveRows[0]["human_mean_length"] is Double)
        #expect(curveRows[1]["d_train_loss"] is Double && curveRows[0]["d_train_loss"] is NSNull)
        #expect(try String(contentsOf: dir.appendingPathComponent("adv/adversarial.svg"), encoding: .utf8).hasPrefix("<svg"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("adv/generator/model.safetensors").path))

        // --rounds 0 only evaluates the generator (round 0).
        a.rounds = 0
        let evalOnly = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        #expect(try evalOnly.run(out: dir.appendingPathComponent("adv-eval")).map(\.round) == [0])

        // --d-pretrain-until: pretraining stops at the first evaluation that reaches the target, else at the budget.
        a.discriminatorPretrainSteps = 6; a.discriminatorEvalInterval = 2
        a.discriminatorPretrainUntil = 0.01  // reached before any update
        let early = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        _ = try early.run(out: dir.appendingPathComponent("adv-until-early"))
        #expect(early.discriminatorCurve.map(\.step) == [0])
        a.discriminatorPretrainUntil = 0.8
        let until = try AdversarialTrainer(generator: g, train: train, val: val, stopToken: 9, options: a)
        _ = try until.run(out: dir.appendingPathComponent("adv-until"))
        let curve = until.discriminatorCurve
        #expect(curve.map(\.step) == Array(stride(from: 0, through: curve.last?.step ?? -1, by: 2)))
        #expect(curve.dropLast().allSatisfy { $0.heldOut.accuracy < 0.8 })
        #expect((curve.last?.heldOut.accuracy ?? 0) >= 0.8 || curve.last?.step == 6)
        a.discriminatorPretrainUntil = nil; a.discriminatorPretrainSteps = 2; a.discriminatorEvalInterval = 10

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

    /// The KV-cached sampler (training and evaluation use it) draws the same replies as the cache-free reference
    /// that recomputes every prefix: greedy and sampled, with and without a reply prefix (rollouts), contexts of
    /// different lengths in one batch, more contexts than the decoder has slots.
    @Test func cachedSamplingMatchesTheReference() throws {
        let model = try GPTModel(config: GPTConfig(vocabSize: 40, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 32), seed: 11)
        var crng = Xoshiro256(seed: 3)
        let contexts: [[Int32]] = (0..<11).map { i in (0..<(1 + i % 7)).map { _ in Int32(crng.nextInt(below: 40)) } }
        let soFar: [[Int32]] = contexts.indices.map { i in i % 3 == 0 ? [] : [Int32(i % 5)] }
        let decoder = try BatchedDecoder(model: model, slots: 4, maxStepTokens: 4 * 32)
        for temperature: Float in [0, 1] {
            for prefix in [nil, soFar] {
                let sampler = ReplySampler(maxTokens: 12, stopToken: 5, temperature: temperature, topK: 0)
                var r1 = Xoshiro256(seed: 9), r2 = Xoshiro256(seed: 9)
                let cached = try sampler.sample(decoder: decoder, contexts: contexts, replySoFar: prefix, rng: &r1)
                var reference: [[Int32]] = []
                let engine = GPTEngine(model: model, batchSize: 4, time: 32, shards: 1, threads: 1, training: false)
                for lo in stride(from: 0, to: contexts.count, by: 4) {  // the decoder's 4 slots: the same order of draws
                    let hi = min(contexts.count, lo + 4)
                    reference += sampler.sample(engine: engine, contexts: Array(contexts[lo ..< hi]), replySoFar: prefix.map { Array($0[lo ..< hi]) }, rng: &r2)
                }
                #expect(cached == reference, "temperature \(temperature), prefix \(prefix != nil)")
                #expect(cached.allSatisfy { $0.count <= 12 })
                #expect(cached.contains { $0.count > 1 })
            }
        }
    }

    /// Adversarial success and its paired bootstrap.
    @Test func pairedBootstrapOfAdversarialSuccess() {
        #expect(AdversarialSuccess.perContext(probabilities: [0.9, 0.2, 0.6, 0.7], repliesPerContext: 2) == [0.5, 1.0])
        #expect(AdversarialSuccess.perContext(probabilities: [0.5], repliesPerContext: 1) == [0.0])  // 0.5 is not "human"
        let same = AdversarialSuccess.pairedBootstrap([1, 0, 1, 0], [1, 0, 1, 0], resamples: 500, seed: 1)
        #expect(same.difference == 0 && same.low == 0 && same.high == 0 && same.shareNotAbove == 1)
        // b wins on 30 of 200 contexts and loses on 10: difference 0.1, clearly above zero.
        let a = (0..<200).map { $0 < 10 ? 1.0 : 0.0 }, b = (0..<200).map { $0 >= 10 && $0 < 40 ? 1.0 : 0.0 }
        let d = AdversarialSuccess.pairedBootstrap(a, b, resamples: 4000, seed: 7)
        #expect(abs(d.difference - 0.1) < 1e-12)
        #expect(d.low > 0.03 && d.low < 0.1 && d.high > 0.1 && d.high < 0.17, "\(d)")
        #expect(d.shareNotAbove < 0.01)
        // Pure noise: the interval straddles zero.
        var rng = Xoshiro256(seed: 2)
        let x = (0..<300).map { _ in Double(rng.nextInt(below: 2)) }, y = (0..<300).map { _ in Double(rng.nextInt(below: 2)) }
        let n = AdversarialSuccess.pairedBootstrap(x, y, resamples: 4000, seed: 3)
        #expect(n.low < n.difference && n.difference < n.high && n.high - n.low > 0.05)
        #expect(AdversarialSuccess.pairedBootstrap([1, 1], [0, 0], resamples: 100, seed: 1) == AdversarialSuccess.pairedBootstrap([1, 1], [0, 0], resamples: 100, seed: 1))
    }

    /// A saved discriminator loads back (same scores) and a model of the wrong vocabulary is refused by name.
    @Test func trainedDiscriminatorLoadsBack() throws {
        let dir = TestSupport.tmpDir("disc-load")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = try ToyDialogue.tinyModel()
        let d = try DialogueDiscriminator(generator: gen, maxRows: 4, threads: 1, shards: 1, seed: 1)
        let pairs = [DialoguePair(context: [1, 2], reply: [3, 4]), DialoguePair(context: [2], reply: [5])]
        _ = d.train(real: [pairs[0]], fake: [pairs[1]], lr: 1e-2)
        try d.model.save(directory: dir)
        let back = try DialogueDiscriminator(trained: GPTModel.load(directory: dir), generatorVocabSize: gen.config.vocabSize,
                                             maxRows: 4, threads: 1, shards: 1)
        #expect(back.probabilities(pairs) == d.probabilities(pairs))
        #expect(throws: AIGCError.self) {
            try DialogueDiscriminator(trained: gen, generatorVocabSize: gen.config.vocabSize, maxRows: 4, threads: 1, shards: 1)
        }
    }

    /// The mean readout's gradient (a linear head on mean-pooled hidden states) against finite differences of its
    /// loss computed from the engine's raw logits; with one position per group it is the unpooled gradient.
    @Test func pooledTwoWayGradientMatchesFiniteDifferences() throws {
        let model = try ToyDialogue.tinyModel(seed: 5)
        for i in 0..<model.params.count { model.params.pointer[i] *= 4 }
        let V = ToyDialogue.vocab, a: Int32 = 3, b: Int32 = 7
        let e = GPTEngine(model: model, batchSize: 2, time: 6, shards: 2, threads: 1, training: true)
        let inputs: [Int32] = [8, 1, 2, 9, 8, 1, 8, 4, 4, 9, 8, 6]
        var targets = [Int32](repeating: -100, count: 12)
        let groupA = [2, 3, 4], groupB = [9, 10, 11]  // row 0 labelled a (human), row 1 b (sampled)
        for p in groupA { targets[p] = a }
        for p in groupB { targets[p] = b }
        var groups: [Int: [Int]] = [:]
        for g in [groupA, groupB] { for p in g { groups[p] = g } }
        let batch = TokenBatch(batch: 2, time: 6, inputs: inputs, targets: targets)
        let scale: Float = 0.5
        func softplus(_ x: Double) -> Double { log(1 + exp(x)) }
        func reference() -> (loss: Double, d: [Double]) {
            let l = e.logits(TokenBatch(batch: 2, time: 6, inputs: inputs))
            func mean(_ g: [Int]) -> Double { g.map { Double(l[$0 * V + Int(a)]) - Double(l[$0 * V + Int(b)]) }.reduce(0, +) / Double(g.count) }
            let da = mean(groupA), db = mean(groupB)
            return ((softplus(-da) + softplus(db)) * Double(scale), [da, db])
        }
        e.zeroGradients()
        let r = e.accumulatePooledTwoWayGradients(batch, classes: a, b, groups: groups, lossScale: scale, dropoutSeed: 0)
        let g = e.reduceGradients().grads.array
        let ref = reference()
        #expect(r.count == 2)
        #expect(abs(r.sum * Double(scale) - ref.loss) < 1e-5, "\(r.sum * Double(scale)) vs \(ref.loss)")
        #expect(groupA.allSatisfy { abs(r.differences[$0] - ref.d[0]) < 1e-4 } && groupB.allSatisfy { abs(r.differences[$0] - ref.d[1]) < 1e-4 })
        var checked = [model.layout.wte + Int(a) * model.config.nEmbd + 1]
        for name in ["h.0.c_attn.weight", "h.0.c_fc.weight", "ln_f.bias", "wpe.weight"] {
            let t = try #require(model.layout.tensor(named: name), "\(name)")
            checked.append(t.offset + t.count / 2)
        }
        for i in checked {
            let saved = model.params.pointer[i]
            model.params.pointer[i] = saved + 1e-2
            let lp = reference().loss
            model.params.pointer[i] = saved - 1e-2
            let lm = reference().loss
            model.params.pointer[i] = saved
            let fd = (lp - lm) / 2e-2
            #expect(abs(Double(g[i]) - fd) <= 2e-4 + 2e-2 * abs(fd), "parameter \(i): \(g[i]) vs \(fd)")
        }
        #expect(checked.contains { abs(g[$0]) > 1e-3 }, "the checked gradients are all ≈ 0")
        // Singleton groups give exactly the unpooled two-way gradients.
        var single = [Int32](repeating: -100, count: 12)
        single[3] = a; single[11] = b
        let one = TokenBatch(batch: 2, time: 6, inputs: inputs, targets: single)
        e.zeroGradients()
        e.accumulatePooledTwoWayGradients(one, classes: a, b, groups: [3: [3], 11: [11]], lossScale: scale, dropoutSeed: 0)
        let pooled = e.reduceGradients().grads.array
        e.zeroGradients()
        e.accumulateTwoWayGradients(one, classes: a, b, lossScale: scale, dropoutSeed: 0)
        #expect(pooled == e.reduceGradients().grads.array)
    }

    /// The mean readout learns the toy task too, and its settings travel with the saved weights.
    @Test func meanReadoutLearnsAndIsSaved() throws {
        let dir = TestSupport.tmpDir("disc-mean")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (train, val) = try Self.corpora(dir.appendingPathComponent("corpus"))
        let d = try DialogueDiscriminator(generator: try ToyDialogue.tinyModel(), maxRows: 16, threads: 1, shards: 1, seed: 1)
        d.readout = .mean
        d.contextTokens = 6
        d.headLRMultiplier = 10
        var rng = Xoshiro256(seed: 5)
        func fakes(_ p: [DialoguePair]) -> [DialoguePair] {
            p.map { DialoguePair(context: $0.context, reply: (0..<3).map { _ in Int32(rng.nextInt(below: 8)) }) }
        }
        let pairs = train.pairs(maxContext: 10, maxReply: 4), held = val.pairs(maxContext: 10, maxReply: 4)
        for _ in 0..<40 {
            let real = (0..<8).map { _ in pairs[rng.nextInt(below: pairs.count)] }
            d.train(real: real, fake: fakes(real), lr: 3e-3)
        }
        let fake = fakes(held)
        #expect(d.accuracy(real: held, fake: fake) >= 0.9)
        let out = dir.appendingPathComponent("d")
        try d.save(directory: out)
        let s = try DialogueDiscriminator.savedSettings(directory: out)
        #expect(s.contextTokens == 6 && s.readout == .mean)
        let back = try DialogueDiscriminator(trained: GPTModel.load(directory: out), generatorVocabSize: ToyDialogue.vocab, maxRows: 16, threads: 1, shards: 1)
        back.apply(s)
        #expect(back.probabilities(held) == d.probabilities(held))
        try Data("{\"context_tokens\": -1}".utf8).write(to: out.appendingPathComponent(DialogueDiscriminator.settingsFile))
        #expect(throws: AIGCError.self) { try DialogueDiscriminator.savedSettings(directory: out) }
    }
}
