import AIGCCore
import Foundation

/// The discriminator of adversarial dialogue training: a GPT-2 transformer (the model module's blocks) reading
/// `context ++ reply ++ [QUERY]` with a two-way classification head on the QUERY position — the tied output
/// embeddings of two label tokens REAL and FAKE, so P(real) = softmax(h·e_REAL, h·e_FAKE)[0], which is how
/// GPT-2 sequence classifiers read the last token under a causal mask. It starts from the generator's weights
/// (it already reads the language) with three new vocabulary rows (QUERY, REAL, FAKE), and is trained with
/// binary cross-entropy on that two-way softmax (`DiscriminatorLoss.twoWay`, the default) at the QUERY position
/// only.
public final class DialogueDiscriminator {
    public let model: GPTModel
    public let optimizer: AdamW
    let engine: GPTEngine
    public let queryToken: Int32
    public let realToken: Int32
    public let fakeToken: Int32
    public let maxRows: Int
    public let loss: DiscriminatorLoss
    /// The most context tokens it reads before a reply (0: as many as fit the block). The cost of an update or a
    /// score is proportional to the tokens read, and the reply's own text is most of what tells a human reply
    /// from a sampled one, so a short context (e.g. the last turn or two) buys several times more updates.
    /// Saved beside the weights (`discriminator.json`) so a judge reads what it was trained on.
    public var contextTokens = 0
    /// Learning-rate multiplier of the three label rows (QUERY, REAL, FAKE embeddings; REAL and FAKE are the
    /// classification head). They start as noise around the mean embedding while the trunk is pretrained, so at
    /// the trunk's learning rate the head barely moves (Adam steps of ~lr per update against an init spread of
    /// 0.02) and the trunk adapts instead, which memorises training replies rather than learning what a sampled
    /// reply looks like.
    public var headLRMultiplier: Float = 1
    /// What the head reads (saved in `discriminator.json` beside `context_tokens`).
    public var readout: DiscriminatorReadout = .query
    private var steps = 0

    /// The settings file written beside the weights.
    public static let settingsFile = "discriminator.json"

    /// Saves the weights (`config.json`, `model.safetensors`) and `discriminator.json`.
    public func save(directory: URL) throws {
        try model.save(directory: directory)
        try AtomicFile.write("{\"context_tokens\":\(contextTokens),\"readout\":\"\(readout.rawValue)\"}\n",
                             to: directory.appendingPathComponent(Self.settingsFile))
    }

    /// The context length and readout a saved discriminator was trained with (0 and `.query` when its directory
    /// has no settings file: discriminators saved before these settings existed).
    public static func savedSettings(directory: URL) throws -> (contextTokens: Int, readout: DiscriminatorReadout) {
        let url = directory.appendingPathComponent(settingsFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return (0, .query) }
        let data = try Data(contentsOf: url)
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let n = obj["context_tokens"] as? Int, n >= 0,
              let r = DiscriminatorReadout(rawValue: obj["readout"] as? String ?? "query") else {
            throw AIGCError.input(location: url.path, message: "expected {\"context_tokens\": N ≥ 0, \"readout\": \"query\" or \"mean\"}")
        }
        return (n, r)
    }

    /// Applies saved settings.
    public func apply(_ s: (contextTokens: Int, readout: DiscriminatorReadout)) {
        contextTokens = s.contextTokens
        readout = s.readout
    }

    public convenience init(generator: GPTModel, maxRows: Int, threads: Int, shards: Int, seed: UInt64, loss: DiscriminatorLoss = .twoWay) throws {
        let V = generator.config.vocabSize
        try self.init(trained: generator.withVocabulary(V + 3, seed: seed), generatorVocabSize: V, maxRows: maxRows,
                      threads: threads, shards: shards, loss: loss)
    }

    /// A discriminator saved earlier (`aigc adversarial`'s DIR/discriminator): a GPT whose vocabulary is the
    /// generator's plus the three label tokens QUERY, REAL, FAKE, in that order at the end. Used to continue
    /// training from a pretrained discriminator, or frozen as the judge of `aigc adversarial-eval`.
    public init(trained: GPTModel, generatorVocabSize V: Int, maxRows: Int, threads: Int, shards: Int, loss: DiscriminatorLoss = .twoWay) throws {
        guard trained.config.vocabSize == V + 3 else {
            throw AIGCError.usage("the discriminator's vocabulary is \(trained.config.vocabSize) tokens; a discriminator of a generator with \(V) tokens has \(V + 3) (the generator's plus QUERY, REAL, FAKE)")
        }
        model = trained
        queryToken = Int32(V); realToken = Int32(V + 1); fakeToken = Int32(V + 2)
        optimizer = AdamW(layout: model.layout, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0)
        self.maxRows = maxRows
        self.loss = loss
        engine = GPTEngine(model: model, batchSize: maxRows, time: model.config.blockSize, shards: shards, threads: threads, training: true)
    }

    /// `context ++ reply ++ [QUERY]`, the context cut from the left to `contextTokens` and to fit the block size.
    func sequence(_ p: DialoguePair) -> [Int32] {
        let room = model.config.blockSize - 1 - p.reply.count
        let reply = room >= 1 ? p.reply : Array(p.reply.prefix(model.config.blockSize - 2))
        let fit = max(1, model.config.blockSize - 1 - reply.count)
        let ctx = Array(p.context.suffix(contextTokens > 0 ? min(contextTokens, fit) : fit))
        return ctx + reply + [queryToken]
    }

    /// The batch of `sequence`s, each row's read positions (flat indices: QUERY alone, or with `.mean` every
    /// reply position and QUERY), labelled at those positions when `labels` are given.
    func batch(_ pairs: [DialoguePair], labels: [Bool]?) -> (TokenBatch, [[Int]]) {
        let seqs = pairs.map(sequence)
        let T = seqs.map(\.count).max() ?? 1
        var inputs = [Int32](repeating: 0, count: pairs.count * T)
        var targets = [Int32](repeating: -100, count: pairs.count * T)
        var read = [[Int]]()
        for (i, s) in seqs.enumerated() {
            for t in 0..<s.count { inputs[i * T + t] = s[t] }
            // The reply occupies the positions before QUERY; a reply cut to fit keeps at least its tail.
            let replyCount = min(pairs[i].reply.count, s.count - 2)
            let first = readout == .mean ? s.count - 1 - max(0, replyCount) : s.count - 1
            let positions = Array((first ..< s.count).map { i * T + $0 })
            if let labels { for p in positions { targets[p] = labels[i] ? realToken : fakeToken } }
            read.append(positions)
        }
        return (TokenBatch(batch: pairs.count, time: T, inputs: inputs, targets: labels == nil ? nil : targets), read)
    }

    /// The logit difference `h·e_REAL − h·e_FAKE` at the QUERY position for each pair (> 0: classified human).
    public func logitDifferences(_ pairs: [DialoguePair]) -> [Double] {
        var out: [Double] = []
        var i = 0
        let V = model.config.vocabSize
        while i < pairs.count {
            let chunk = Array(pairs[i ..< min(pairs.count, i + maxRows)])
            let (b, read) = batch(chunk, labels: nil)
            let logits = engine.logits(b)
            for positions in read {
                var d = 0.0
                for pos in positions { d += Double(logits[pos * V + Int(realToken)]) - Double(logits[pos * V + Int(fakeToken)]) }
                out.append(d / Double(positions.count))
            }
            i += maxRows
        }
        return out
    }

    /// P(real) = σ(h·e_REAL − h·e_FAKE) for each pair.
    public func probabilities(_ pairs: [DialoguePair]) -> [Double] { logitDifferences(pairs).map(GANLoss.sigmoid) }

    /// One AdamW step on human (`real`) and generated (`fake`) pairs; returns the mean training loss over the
    /// labels (`loss`'s: two-way or full-vocabulary cross-entropy) and the accuracy of the two-way decision, both
    /// before the step (from the training forward itself).
    @discardableResult
    public func train(real: [DialoguePair], fake: [DialoguePair], lr: Float, gradClip: Double = 1) -> (loss: Double, accuracy: Double) {
        let pairs = real + fake
        let labels = real.map { _ in true } + fake.map { _ in false }
        engine.zeroGradients()
        var sum = 0.0, count = 0, correct = 0
        var i = 0
        while i < pairs.count {
            let hi = min(pairs.count, i + maxRows)
            let (b, read) = batch(Array(pairs[i ..< hi]), labels: Array(labels[i ..< hi]))
            let last = read.map { $0[$0.count - 1] }
            let scale = 1 / Float(pairs.count), seed = UInt64(steps)
            let r: (sum: Double, count: Int, differences: [Double])
            switch loss {
            case .twoWay where readout == .mean:
                var groups: [Int: [Int]] = [:]
                for positions in read { for p in positions { groups[p] = positions } }
                r = engine.accumulatePooledTwoWayGradients(b, classes: realToken, fakeToken, groups: groups, lossScale: scale, dropoutSeed: seed)
            case .twoWay:
                r = engine.accumulateTwoWayGradients(b, classes: realToken, fakeToken, lossScale: scale, dropoutSeed: seed)
            case .vocabulary:
                var d = [Double](repeating: 0, count: b.inputs.count)
                let ri = Int(realToken), fi = Int(fakeToken)
                let (s, c) = d.withUnsafeMutableBufferPointer { out in
                    let out = out
                    return engine.accumulateGradients(b, lossScale: scale, dropoutSeed: seed) { ws, n, index, _, _ in
                        out[index] = self.engine.logitDifference(ws, row: n, ri, fi)
                        return Double(ws.losses[n])  // row untouched: full-vocabulary cross-entropy
                    }
                }
                r = (s, c, d)
            }
            for (k, pos) in last.enumerated() where (r.differences[pos] > 0) == labels[i + k] { correct += 1 }
            sum += r.sum; count += r.count
            i = hi
        }
        let (grads, norm) = engine.reduceGradients()
        if gradClip > 0, norm > gradClip { engine.scaleGradients(Float(gradClip / (norm + 1e-6))) }
        optimizer.update(params: model.params, grads: grads, lr: lr, threads: engine.threads)
        let C = model.config.nEmbd, wte = model.layout.wte
        optimizer.extendLastStep(params: model.params, range: wte + Int(queryToken) * C ..< wte + (Int(fakeToken) + 1) * C,
                                 lr: lr, multiplier: headLRMultiplier)
        steps += 1
        return (sum / Double(max(1, count)), Double(correct) / Double(max(1, pairs.count)))
    }

    /// Held-out scores on human and generated pairs (accuracy at P(real) = 0.5, AUC, two-way loss, P(real) spread).
    public func score(real: [DialoguePair], fake: [DialoguePair]) -> DiscriminatorScore {
        let d = logitDifferences(real + fake)
        return DiscriminatorScore(human: Array(d.prefix(real.count)), sampled: Array(d.dropFirst(real.count)))
    }

    /// Accuracy on held-out human and generated pairs.
    public func accuracy(real: [DialoguePair], fake: [DialoguePair]) -> Double { score(real: real, fake: fake).accuracy }
}
