import AIGCCore
import Foundation

/// Adversarial dialogue training (SeqGAN / Li et al. 2017 "Adversarial Learning for Neural Dialogue
/// Generation"): the fine-tuned GPT is the policy, a `DialogueDiscriminator` tells human replies from sampled
/// ones, and the generator follows REINFORCE with the discriminator's P(real) as reward and a moving-average
/// baseline, optionally with Monte-Carlo rollouts for per-token rewards, interleaved with teacher-forcing (MLE)
/// steps on human replies. After every round the validation perplexity is checked against the fine-tuned
/// model's; a round that raises it by more than `maxPplIncrease` is undone and training stops.
public final class AdversarialTrainer {
    public let options: AdversarialOptions
    public let generator: GPTModel
    public let discriminator: DialogueDiscriminator
    public let train: PackedCorpus
    public let val: PackedCorpus
    public let trainPairs: [DialoguePair]
    public let evalPairs: [DialoguePair]
    /// Held-out pairs for the discriminator's pretraining curve and its `discriminatorPretrainUntil` stop: the
    /// validation pairs after `evalPairs` when the split has at least twice as many, else `evalPairs` itself.
    public let discriminatorPairs: [DialoguePair]
    public let stopToken: Int32?
    /// Turns token ids into text (for distinct-n over words and readable samples); nil: distinct-n over tokens.
    public var decode: (([Int32]) -> String)?
    public var onRound: ((AdversarialRound) -> Void)?
    public var onDiscriminatorPoint: ((DiscriminatorPretrainPoint) -> Void)?
    public private(set) var rounds: [AdversarialRound] = []
    /// The discriminator's pretraining curve (step 0 = before any update).
    public private(set) var discriminatorCurve: [DiscriminatorPretrainPoint] = []
    /// Mean length (tokens, end token included) and share ending in the stop token of the held-out human and
    /// sampled replies the curve is measured on: differences a trained discriminator can read.
    public private(set) var heldOutReplyStats: (humanLength: Double, sampledLength: Double, humanEndShare: Double, sampledEndShare: Double)?
    public private(set) var basePPL = Double.nan
    let engine: GPTEngine
    let optimizer: AdamW
    let sampler: ReplySampler
    /// KV-cached sampling over the generator's live parameters (`batchSize` slots).
    let decoder: BatchedDecoder
    var discriminatorUpdates = 0
    var rng: Xoshiro256
    var baseline: Double?
    var updates = 0

    /// `discriminator`: a discriminator trained earlier for this generator's vocabulary (e.g. an earlier run's
    /// DIR/discriminator) to continue from; nil: a new one initialised from the generator.
    public init(generator: GPTModel, train: PackedCorpus, val: PackedCorpus, stopToken: Int32?, options: AdversarialOptions,
                discriminator trained: (model: GPTModel, contextTokens: Int, readout: DiscriminatorReadout)? = nil) throws {
        try options.validate()
        for c in [train, val] { try Finetuner.checkFits(generator, c) }
        let needed = max(train.vocabSize, val.vocabSize)
        guard needed <= generator.config.vocabSize else {
            throw AIGCError.usage("the corpus uses token ids up to \(needed - 1) but the generator's vocabulary has \(generator.config.vocabSize); fine-tune it on this corpus first (aigc finetune)")
        }
        self.options = options
        self.generator = try generator.copy()
        self.train = train
        self.val = val
        self.stopToken = stopToken
        let block = generator.config.blockSize
        guard block > options.maxReplyTokens + 1 else {
            throw AIGCError.usage("AdversarialOptions.maxReplyTokens \(options.maxReplyTokens) leaves no room for a context in block size \(block)")
        }
        let maxContext = block - options.maxReplyTokens - 1
        trainPairs = train.pairs(maxContext: maxContext, maxReply: options.maxReplyTokens)
        let heldOut = val.pairs(maxContext: maxContext, maxReply: options.maxReplyTokens)
        guard !trainPairs.isEmpty else { throw AIGCError.input(location: train.directory, message: "no (context, reply) pairs (no trained reply after a context)") }
        guard !heldOut.isEmpty else { throw AIGCError.input(location: val.directory, message: "no validation (context, reply) pairs") }
        evalPairs = Array(heldOut.prefix(options.evalPairs))
        discriminatorPairs = heldOut.count >= 2 * options.evalPairs ? Array(heldOut[options.evalPairs ..< 2 * options.evalPairs]) : evalPairs
        BLAS.setThreads(1)
        let rows = max(options.batchSize, options.mleBatchSize)
        engine = GPTEngine(model: self.generator, batchSize: rows, time: block, shards: options.shards, threads: options.threads, training: true)
        optimizer = AdamW(layout: self.generator.layout, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0)
        if let trained {
            guard trained.model.config.blockSize >= block else {
                throw AIGCError.usage("the discriminator's block size \(trained.model.config.blockSize) is shorter than the generator's \(block)")
            }
            discriminator = try DialogueDiscriminator(trained: trained.model.copy(), generatorVocabSize: generator.config.vocabSize, maxRows: options.batchSize,
                                                      threads: options.threads, shards: options.shards, loss: options.discriminatorLoss)
        } else {
            discriminator = try DialogueDiscriminator(generator: self.generator, maxRows: options.batchSize, threads: options.threads,
                                                      shards: options.shards, seed: options.seed ^ 0xD15C, loss: options.discriminatorLoss)
        }
        discriminator.headLRMultiplier = Float(options.discriminatorHeadLRMultiplier)
        discriminator.contextTokens = options.discriminatorContext > 0 ? options.discriminatorContext : (trained?.contextTokens ?? 0)
        if let r = options.discriminatorReadout, let saved = trained?.readout, r != saved {
            throw AIGCError.usage("the discriminator was trained with the \(saved.rawValue) readout, not \(r.rawValue)")
        }
        discriminator.readout = options.discriminatorReadout ?? trained?.readout ?? .query
        decoder = try BatchedDecoder(model: self.generator, slots: options.batchSize, maxStepTokens: options.batchSize * block)
        sampler = ReplySampler(maxTokens: options.maxReplyTokens, stopToken: stopToken, temperature: options.temperature, topK: options.topK)
        rng = Xoshiro256(seed: options.seed)
    }

    /// Replies for `contexts`, sampled `batchSize` rows at a time with the KV-cached decoder.
    func generate(_ contexts: [[Int32]], soFar: [[Int32]]? = nil, rng: inout Xoshiro256) throws -> [[Int32]] {
        try sampler.sample(decoder: decoder, contexts: contexts, replySoFar: soFar, rng: &rng)
    }

    func randomPairs(_ n: Int) -> [DialoguePair] { (0..<n).map { _ in trainPairs[rng.nextInt(below: trainPairs.count)] } }

    func stepOptimizer(lr: Double) {
        let (grads, norm) = engine.reduceGradients()
        if options.gradClip > 0, norm > options.gradClip { engine.scaleGradients(Float(options.gradClip / (norm + 1e-6))) }
        optimizer.update(params: generator.params, grads: grads, lr: Float(lr), threads: options.threads)
        updates += 1
    }

    /// One discriminator update on human replies vs. replies sampled for the same contexts; its training loss and
    /// accuracy.
    @discardableResult
    func discriminatorStep() throws -> (loss: Double, accuracy: Double) {
        let real = randomPairs(options.batchSize)
        let fakes = try generate(real.map(\.context), rng: &rng)
        discriminatorUpdates += 1
        let w = options.discriminatorWarmup
        let lr = options.discriminatorLR * (w > 0 ? min(1, Double(discriminatorUpdates) / Double(w)) : 1)
        return discriminator.train(real: real, fake: zip(real, fakes).map { DialoguePair(context: $0.context, reply: $1) },
                                   lr: Float(lr), gradClip: options.gradClip)
    }

    /// Pretrains the discriminator on human vs sampled replies for `discriminatorPretrainSteps` updates, scoring
    /// it on `discriminatorPairs` (replies sampled once: the generator is fixed meanwhile) every
    /// `discriminatorEvalInterval` updates, and stopping early once held-out accuracy reaches
    /// `discriminatorPretrainUntil`.
    func pretrainDiscriminator() throws {
        let real = discriminatorPairs
        var heldRng = Xoshiro256(seed: options.seed ^ 0xD15C_5EED)
        let fake = zip(real, try generate(real.map(\.context), rng: &heldRng)).map { DialoguePair(context: $0.context, reply: $1) }
        func stats(_ p: [DialoguePair]) -> (Double, Double) {
            let n = Double(max(1, p.count))
            return (Double(p.map(\.reply.count).reduce(0, +)) / n,
                    Double(p.filter { stopToken != nil && $0.reply.last == stopToken }.count) / n)
        }
        let (hl, he) = stats(real), (sl, se) = stats(fake)
        heldOutReplyStats = (hl, sl, he, se)
        func point(_ step: Int, _ loss: Double?, _ accuracy: Double?) -> Bool {
            let p = DiscriminatorPretrainPoint(step: step, trainLoss: loss, trainAccuracy: accuracy,
                                               heldOut: discriminator.score(real: real, fake: fake))
            discriminatorCurve.append(p)
            onDiscriminatorPoint?(p)
            return options.discriminatorPretrainUntil.map { p.heldOut.accuracy >= $0 } ?? false
        }
        if point(0, nil, nil) { return }
        var lossSum = 0.0, accSum = 0.0, k = 0
        for step in stride(from: 1, through: options.discriminatorPretrainSteps, by: 1) {
            let r = try discriminatorStep()
            lossSum += r.loss; accSum += r.accuracy; k += 1
            if step % options.discriminatorEvalInterval == 0 || step == options.discriminatorPretrainSteps {
                if point(step, lossSum / Double(k), accSum / Double(k)) { return }
                lossSum = 0; accSum = 0; k = 0
            }
        }
    }

    /// One REINFORCE update; returns the batch's mean reward.
    func generatorStep() throws -> Double {
        let pairs = randomPairs(options.batchSize)
        let contexts = pairs.map(\.context)
        let replies = try generate(contexts, rng: &rng)
        let rewards = discriminator.probabilities(zip(contexts, replies).map { DialoguePair(context: $0, reply: $1) })
        let meanReward = rewards.reduce(0, +) / Double(rewards.count)
        let b = baseline ?? meanReward
        baseline = options.baselineDecay * b + (1 - options.baselineDecay) * meanReward
        // Per-token returns: the sequence reward, or (with rollouts) the mean reward of R completions of each prefix.
        var returns = replies.enumerated().map { i, r in [Double](repeating: rewards[i], count: r.count) }
        if options.rollouts > 0 {
            var ctx: [[Int32]] = [], prefixes: [[Int32]] = [], slots: [(Int, Int)] = []
            for (i, r) in replies.enumerated() where r.count > 1 {
                for t in 1..<r.count {
                    for _ in 0..<options.rollouts { ctx.append(contexts[i]); prefixes.append(Array(r.prefix(t))); slots.append((i, t - 1)) }
                }
            }
            if !ctx.isEmpty {
                let completed = try generate(ctx, soFar: prefixes, rng: &rng)
                let scores = discriminator.probabilities(zip(ctx, completed).map { DialoguePair(context: $0, reply: $1) })
                var sums = replies.map { [Double](repeating: 0, count: $0.count) }
                for (k, (i, t)) in slots.enumerated() { sums[i][t] += scores[k] }
                for (i, r) in replies.enumerated() where r.count > 1 {
                    for t in 0..<(r.count - 1) { returns[i][t] = sums[i][t] / Double(options.rollouts) }
                }
            }
        }
        let seqs = zip(contexts, replies).map { $0 + $1 }
        let T = seqs.map(\.count).max()!
        var inputs = [Int32](repeating: 0, count: seqs.count * T)
        var targets = [Int32](repeating: -100, count: seqs.count * T)
        var weights = [Float](repeating: 0, count: seqs.count * T)
        var tokens = 0
        for (i, s) in seqs.enumerated() {
            for t in 0..<s.count { inputs[i * T + t] = s[t] }
            let c = contexts[i].count
            for k in 0..<replies[i].count {
                let p = i * T + c + k - 1  // the position that predicts reply token k
                targets[p] = replies[i][k]
                weights[p] = Float(returns[i][k] - b)
                tokens += 1
            }
        }
        engine.zeroGradients()
        engine.accumulateWeightedGradients(TokenBatch(batch: seqs.count, time: T, inputs: inputs, targets: targets),
                                           weights: weights, lossScale: 1 / Float(max(1, tokens)), dropoutSeed: UInt64(updates))
        stepOptimizer(lr: options.generatorLR)
        return meanReward
    }

    /// One teacher-forcing update on packed human conversations.
    func mleStep() {
        let batch = train.batch(rows: (0..<options.mleBatchSize).map { _ in rng.nextInt(below: train.rows) })
        engine.zeroGradients()
        engine.accumulateGradients(batch, lossScale: 1 / Float(max(1, batch.targetCount)), dropoutSeed: UInt64(updates))
        stepOptimizer(lr: options.generatorLR)
    }

    /// Validation perplexity, and held-out samples scored by D (same sampling seed every round, so rounds differ
    /// only by the models).
    func evaluate(round: Int, reward: Double?) throws -> (AdversarialRound, [[Int32]]) {
        let ppl = CorpusEvaluation.perplexity(engine: engine, corpus: val, batchSize: options.mleBatchSize)
        var evalRng = Xoshiro256(seed: options.seed ^ 0xE7A1_5EED)
        let replies = try generate(evalPairs.map(\.context), rng: &evalRng)
        let fakes = zip(evalPairs, replies).map { DialoguePair(context: $0.context, reply: $1) }
        let acc = discriminator.accuracy(real: evalPairs, fake: fakes)
        let r = reward ?? discriminator.probabilities(fakes).reduce(0, +) / Double(fakes.count)
        let bodies = replies.map { $0.last == stopToken ? Array($0.dropLast()) : $0 }
        let units: [[String]] = bodies.map { body in
            if let decode { return decode(body).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init) }
            return body.map { String($0) }
        }
        let row = AdversarialRound(round: round, dAccuracy: acc, reward: r, valPPL: ppl,
                                   distinct1: Self.distinct(units, n: 1), distinct2: Self.distinct(units, n: 2),
                                   meanLength: Double(bodies.map(\.count).reduce(0, +)) / Double(max(1, bodies.count)),
                                   reverted: false, rejectedValPPL: nil)
        return (row, replies)
    }

    /// Distinct-n (Li et al. 2016): distinct n-grams / all n-grams over all replies.
    public static func distinct(_ replies: [[String]], n: Int) -> Double {
        var seen = Set<[String]>(), total = 0
        for r in replies where r.count >= n {
            for i in 0...(r.count - n) { seen.insert(Array(r[i ..< i + n])); total += 1 }
        }
        return total > 0 ? Double(seen.count) / Double(total) : 0
    }

    /// Runs D pretraining and the rounds, writing `metrics.jsonl`, `adversarial.svg`, `samples.jsonl`,
    /// `generator/` and `discriminator/` into `out` (each file atomically, rewritten after every round).
    public func run(out: URL) throws -> [AdversarialRound] {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        basePPL = CorpusEvaluation.perplexity(engine: engine, corpus: val, batchSize: options.mleBatchSize)
        try pretrainDiscriminator()
        var samples: [String] = []
        func record(_ row: AdversarialRound, _ replies: [[Int32]]) throws {
            rounds.append(row)
            onRound?(row)
            for (i, r) in replies.prefix(8).enumerated() {
                var line = "{\"round\":\(row.round),\"index\":\(i),\"context\":\(evalPairs[i].context),\"reply\":\(r),\"human\":\(evalPairs[i].reply)"
                if let decode {
                    line += ",\"context_text\":\(JSONText.quote(decode(evalPairs[i].context))),\"reply_text\":\(JSONText.quote(decode(r))),\"human_text\":\(JSONText.quote(decode(evalPairs[i].reply)))"
                }
                samples.append(line + "}\n")
            }
            try save(out: out, samples: samples)
        }
        let (row0, replies0) = try evaluate(round: 0, reward: nil)
        try record(row0, replies0)
        let limit = basePPL * (1 + options.maxPplIncrease)
        for round in stride(from: 1, through: options.rounds, by: 1) {
            let snapshot = try generator.copy()
            let optM = optimizer.m.array, optV = optimizer.v.array, optStep = optimizer.step
            var rewardSum = 0.0
            for _ in 0..<options.generatorSteps {
                for _ in 0..<options.discriminatorSteps { try discriminatorStep() }
                rewardSum += try generatorStep()
                for _ in 0..<options.mleSteps { mleStep() }
            }
            var (row, replies) = try evaluate(round: round, reward: rewardSum / Double(options.generatorSteps))
            if row.valPPL > limit {
                let rejected = row.valPPL
                generator.params.copy(from: snapshot.params)
                optM.withUnsafeBufferPointer { optimizer.m.pointer.update(from: $0.baseAddress!, count: $0.count) }
                optV.withUnsafeBufferPointer { optimizer.v.pointer.update(from: $0.baseAddress!, count: $0.count) }
                optimizer.step = optStep
                (row, replies) = try evaluate(round: round, reward: row.reward)
                row.reverted = true
                row.rejectedValPPL = rejected
                try record(row, replies)
                break
            }
            try record(row, replies)
        }
        return rounds
    }

    func save(out: URL, samples: [String]) throws {
        func num(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }
        var lines = ""
        for (i, p) in discriminatorCurve.enumerated() {
            let h = p.heldOut
            lines += "{\"d_step\":\(p.step),\"d_train_loss\":\(p.trainLoss.map(num) ?? "null"),\"d_train_accuracy\":\(p.trainAccuracy.map(num) ?? "null"),"
            lines += "\"d_heldout_accuracy\":\(num(h.accuracy)),\"d_heldout_auc\":\(num(h.auc)),\"d_heldout_loss\":\(num(h.loss)),"
            lines += "\"p_real_human\":\(num(h.meanRealHuman)),\"p_real_sampled\":\(num(h.meanRealSampled)),"
            lines += "\"p_real_min\":\(num(h.minReal)),\"p_real_max\":\(num(h.maxReal))"
            if i == 0 {
                lines += ",\"d_loss\":\"\(options.discriminatorLoss.rawValue)\",\"d_lr\":\(num(options.discriminatorLR)),\"d_batch\":\(options.batchSize),"
                lines += "\"d_pretrain_until\":\(options.discriminatorPretrainUntil.map(num) ?? "null"),\"d_heldout_pairs\":\(discriminatorPairs.count),\"d_context_tokens\":\(discriminator.contextTokens),\"d_warmup\":\(options.discriminatorWarmup),\"d_readout\":\"\(discriminator.readout.rawValue)\",\"d_head_lr_multiplier\":\(num(options.discriminatorHeadLRMultiplier))"
                if let s = heldOutReplyStats {
                    lines += ",\"human_mean_length\":\(num(s.humanLength)),\"sampled_mean_length\":\(num(s.sampledLength)),"
                    lines += "\"human_end_share\":\(num(s.humanEndShare)),\"sampled_end_share\":\(num(s.sampledEndShare))"
                }
            }
            lines += "}\n"
        }
        for r in rounds {
            lines += "{\"round\":\(r.round),\"d_accuracy\":\(num(r.dAccuracy)),\"reward\":\(num(r.reward)),\"val_ppl\":\(num(r.valPPL)),"
            lines += "\"distinct_1\":\(num(r.distinct1)),\"distinct_2\":\(num(r.distinct2)),\"mean_length\":\(num(r.meanLength)),"
            lines += "\"base_val_ppl\":\(num(basePPL)),\"reverted\":\(r.reverted)"
            if let rj = r.rejectedValPPL { lines += ",\"rejected_val_ppl\":\(num(rj))" }
            if r.round == rounds.first?.round { lines += "," + OpenBLASRuntime.metricsFields(threads: options.threads).joined(separator: ",") }
            lines += "}\n"
        }
        try AtomicFile.write(lines, to: out.appendingPathComponent("metrics.jsonl"))
        try AtomicFile.write(samples.joined(), to: out.appendingPathComponent("samples.jsonl"))
        try AtomicFile.write(chart(), to: out.appendingPathComponent("adversarial.svg"))
        try generator.save(directory: out.appendingPathComponent("generator"))
        try discriminator.save(directory: out.appendingPathComponent("discriminator"))
    }

    /// Five stacked panels (the discriminator's pretraining curve: held-out accuracy, AUC and two-way loss per update;
    /// then per round D accuracy and reward; validation perplexity with the guard's limit; distinct-1/2;
    /// mean length) as one self-contained SVG.
    public func chart() -> String {
        func pts(_ f: (AdversarialRound) -> Double) -> [(x: Double, y: Double)] { rounds.map { (Double($0.round), f($0)) } }
        let limit = basePPL * (1 + options.maxPplIncrease)
        let curve = discriminatorCurve.map { p in (x: Double(p.step), acc: p.heldOut.accuracy, auc: p.heldOut.auc, loss: p.heldOut.loss) }
        var pretrain = LossChart(title: "discriminator pretraining (held out)", series: [
            .init(name: "accuracy", color: "#3182bd", points: curve.map { ($0.x, $0.acc) }, markers: true),
            .init(name: "AUC", color: "#31a354", points: curve.map { ($0.x, $0.auc) }, markers: true),
            .init(name: "two-way loss", color: "#e6550d", points: curve.map { ($0.x, $0.loss) }, markers: true)])
        pretrain.xLabel = "discriminator update"; pretrain.yLabel = ""
        var panels: [LossChart] = [
            LossChart(title: "discriminator accuracy and reward", series: [
                .init(name: "D accuracy", color: "#3182bd", points: pts(\.dAccuracy), markers: true),
                .init(name: "reward P(real)", color: "#e6550d", points: pts(\.reward), markers: true)]),
            LossChart(title: "validation perplexity", series: [
                .init(name: "val ppl", color: "#31a354", points: pts(\.valPPL), markers: true),
                .init(name: "guard limit", color: "#999999", points: pts { _ in limit })]),
            LossChart(title: "distinct-n of sampled replies", series: [
                .init(name: "distinct-1", color: "#756bb1", points: pts(\.distinct1), markers: true),
                .init(name: "distinct-2", color: "#de2d26", points: pts(\.distinct2), markers: true)]),
            LossChart(title: "mean reply length (tokens)", series: [
                .init(name: "mean length", color: "#636363", points: pts(\.meanLength), markers: true)]),
        ]
        for i in panels.indices { panels[i].xLabel = "round"; panels[i].yLabel = "" }
        panels.insert(pretrain, at: 0)
        let w = 720, h = 300
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h * panels.count)\" viewBox=\"0 0 \(w) \(h * panels.count)\">\n"
        for (i, p) in panels.enumerated() {
            let inner = p.svg(width: w, height: h).replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\"", with: "<svg y=\"\(i * h)\"")
            svg += inner
        }
        return svg + "</svg>\n"
    }
}
