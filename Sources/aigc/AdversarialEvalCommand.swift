import AIGCCore
import ArgumentParser
import AIGC
import Foundation

/// `aigc adversarial-eval`: adversarial success of generators against a frozen judge, with a paired bootstrap.
struct AdversarialEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adversarial-eval",
        abstract: "Adversarial success: the share of each generator's replies a frozen judge discriminator labels human.",
        discussion: """
        The judge is a discriminator the generators never trained against, e.g. `aigc adversarial --generator FT \
        --rounds 0 --seed S` trained fresh on human vs fine-tuned replies of the training split (its \
        DIR/discriminator). Every --generator answers the same --contexts held-out contexts of --corpus's --split \
        (spread evenly over the split; the same sampling seed for each generator), --replies-per-context times each; \
        the judge labels a reply human when P(real) > 0.5. Reported per generator: adversarial success, mean P(real), \
        reply perplexity over every trained token of the split, distinct-1/2 over words, mean length; and for each \
        generator after the first, the difference in success from the first with a paired bootstrap 95% interval \
        (contexts resampled with replacement). Prints one JSON object to stdout.
        """
    )

    @Option(help: "The judge: a discriminator directory (aigc adversarial's DIR/discriminator).")
    var judge: String
    @Option(name: .customLong("generator"), help: "A generator directory or registered model, as NAME=DIR or DIR (repeat; the first is the baseline).")
    var generators: [String] = []
    @Option(help: "Corpus directory (aigc corpus build, safetensors) whose --split gives the held-out contexts.")
    var corpus: String
    @Option(help: "Split: val or train.")
    var split: String = "val"
    @Option(help: "Held-out contexts (spread evenly over the split; at most its number of replies).")
    var contexts: Int = 500
    @Option(help: "Sampled replies per context and generator.")
    var repliesPerContext: Int = 1
    @Option(help: "Longest sampled reply, in tokens (end token included).")
    var maxReplyTokens: Int = 32
    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Float = 0.8
    @Option(help: "Sample among the k most likely tokens (0: all).")
    var topK: Int = 0
    @Option(help: "Tokenizer to decode replies with (distinct-n over words, samples): a named encoding or a tokenizer file; default: the first generator's tokenizer.json, else the corpus manifest's.")
    var tokenizer: String?
    @Option(help: "End-of-reply token text (default: <|im_end|> when the corpus has it).")
    var stopToken: String?
    @Option(help: "Bootstrap resamples.")
    var bootstrap: Int = 10_000
    @Option(help: "Contexts sampled and judged at once.")
    var batchSize: Int = 16
    @Option(help: "Sampled replies printed per generator (the first contexts).")
    var samples: Int = 10
    @Option var seed: UInt64 = 4242
    @Option var threads: Int = Limits.cores

    /// `value` with every non-finite number replaced by null (JSON has no NaN).
    static func finite(_ value: Any) -> Any {
        switch value {
        case let d as Double: return d.isFinite ? d : NSNull()
        case let a as [Any]: return a.map(finite)
        case let m as [String: Any]: return m.mapValues(finite)
        default: return value
        }
    }

    func run() async throws {
        try await runCLI {
            guard split == "val" || split == "train" else { throw ValidationError("--split must be val or train, not '\(split)'") }
            guard !generators.isEmpty else { throw ValidationError("give at least one --generator") }
            try Limits.check("--contexts", contexts, in: 1...1_000_000)
            try Limits.check("--replies-per-context", repliesPerContext, in: 1...1024)
            try Limits.check("--max-reply-tokens", maxReplyTokens, in: 1...4096)
            try Limits.check("--temperature", Double(temperature), in: 0...100)
            try Limits.check("--top-k", topK, in: 0...1 << 24)
            try Limits.check("--bootstrap", bootstrap, in: 0...1_000_000)
            try Limits.check("--batch-size", batchSize, in: 1...4096)
            try Limits.check("--samples", samples, in: 0...100_000)
            let threads = try Limits.threads("--threads", threads)
            let data = try PackedCorpus(directory: URL(fileURLWithPath: corpus), split: split)
            let named: [(name: String, dir: URL, model: GPTModel)] = try generators.map { spec in
                let (name, path) = spec.firstIndex(of: "=").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, spec)
                let dir = try DialogueCLISupport.modelDirectory(path)
                return (name, dir, try GPTModel.load(directory: dir))
            }
            let first = named[0].model.config
            for g in named {
                try GPTEngine.checkMemory(config: g.model.config, batchSize: batchSize, time: data.seqLen, shards: 1, training: false)
                guard g.model.config.vocabSize == first.vocabSize else {
                    throw ValidationError("--generator \(g.name) has a vocabulary of \(g.model.config.vocabSize), \(named[0].name) of \(first.vocabSize): generators compared by one judge share a tokenizer")
                }
                guard data.vocabSize <= g.model.config.vocabSize, data.seqLen <= g.model.config.blockSize else {
                    throw ValidationError("--corpus \(corpus) (token ids up to \(data.vocabSize - 1), rows of \(data.seqLen)) does not fit --generator \(g.name) (vocabulary \(g.model.config.vocabSize), block \(g.model.config.blockSize))")
                }
            }
            let judgeDir = try DialogueCLISupport.modelDirectory(judge)
            let judgeD = try DialogueDiscriminator(trained: GPTModel.load(directory: judgeDir), generatorVocabSize: first.vocabSize,
                                                   maxRows: batchSize, threads: threads, shards: 1)
            judgeD.apply(try DialogueDiscriminator.savedSettings(directory: judgeDir))
            let stopText = stopToken ?? "<|im_end|>"
            let stop = data.specialTokens[stopText]
            if stopToken != nil && stop == nil {
                throw ValidationError("--stop-token '\(stopText)' is not a special token of the corpus (\(data.specialTokens.keys.sorted().joined(separator: ", ")))")
            }
            let block = named.map(\.model.config.blockSize).min() ?? first.blockSize
            let maxReply = min(maxReplyTokens, block - 2)
            guard maxReply >= 1 else { throw ValidationError("--max-reply-tokens leaves no room for a context in block size \(block)") }
            let all = data.pairs(maxContext: block - maxReply - 1, maxReply: maxReply)
            guard !all.isEmpty else { throw ValidationError("--corpus \(corpus) split \(split) has no (context, reply) pairs") }
            let n = min(contexts, all.count)
            if n < contexts { logStderr("adversarial-eval: the split has \(all.count) replies; using all of them, not \(contexts)") }
            // Sizes are checked before anything is allocated or sampled.
            guard n * repliesPerContext <= 1_000_000 else {
                throw ValidationError("--contexts \(n) × --replies-per-context \(repliesPerContext) = \(n * repliesPerContext) replies per generator; at most 1,000,000")
            }
            guard n * bootstrap <= 1_000_000_000 else {
                throw ValidationError("--bootstrap \(bootstrap) × \(n) contexts = \(n * bootstrap) draws per comparison; at most 1,000,000,000 (fewer resamples or contexts)")
            }
            let picked = (0..<n).map { all[$0 * all.count / n] }
            let judgeHuman = judgeD.probabilities(picked)
            let decode = try DialogueCLISupport.decoder(for: data, tokenizer: tokenizer, model: named[0].dir)
            if decode == nil { logStderr("adversarial-eval: no tokenizer to decode with (pass --tokenizer); distinct-n counts tokens and no samples are printed") }
            let special = Set(data.specialTokens.values)
            let sampler = ReplySampler(maxTokens: maxReply, stopToken: stop, temperature: temperature, topK: topK)
            var results: [[String: Any]] = []
            var perContext: [[Double]] = []
            let k = repliesPerContext
            let repeated = picked.flatMap { p in [[Int32]](repeating: p.context, count: k) }
            for g in named {
                let start = Date()
                let decoder = try BatchedDecoder(model: g.model, slots: batchSize, maxStepTokens: batchSize * g.model.config.blockSize)
                var rng = Xoshiro256(seed: seed)
                let replies = try sampler.sample(decoder: decoder, contexts: repeated, rng: &rng)
                let p = judgeD.probabilities(zip(repeated, replies).map { DialoguePair(context: $0, reply: $1) })
                let scores = AdversarialSuccess.perContext(probabilities: p, repliesPerContext: k)
                perContext.append(scores)
                let bodies = replies.map { $0.last == stop ? Array($0.dropLast()) : $0 }
                let words: [[String]] = bodies.map { b in
                    if let decode { return decode(b.filter { !special.contains($0) }).split(whereSeparator: \.isWhitespace).map(String.init) }
                    return b.map { String($0) }
                }
                let engine = GPTEngine(model: g.model, batchSize: batchSize, time: data.seqLen, shards: 1, threads: threads, training: false)
                let ppl = CorpusEvaluation.perplexity(engine: engine, corpus: data, batchSize: batchSize)
                var row: [String: Any] = [
                    "name": g.name, "model": g.dir.path, "replies": replies.count,
                    "adversarial_success": scores.reduce(0, +) / Double(max(1, scores.count)),
                    "mean_p_real": p.reduce(0, +) / Double(max(1, p.count)),
                    "reply_perplexity": ppl,
                    "distinct_1": AdversarialTrainer.distinct(words, n: 1), "distinct_2": AdversarialTrainer.distinct(words, n: 2),
                    "mean_length": Double(bodies.map(\.count).reduce(0, +)) / Double(max(1, bodies.count)),
                    "seconds": Date().timeIntervalSince(start),
                ]
                if let decode, samples > 0 {
                    row["samples"] = (0..<min(samples, picked.count)).map { i -> [String: Any] in
                        ["context": EvaluateCommand.lastTurn(decode(picked[i].context)), "human": decode(picked[i].reply.filter { !special.contains($0) }),
                         "reply": decode(bodies[i * k].filter { !special.contains($0) }), "p_real": p[i * k], "p_real_human": judgeHuman[i]]
                    }
                }
                results.append(row)
                logStderr(String(format: "adversarial-eval: %@: success %.4f, mean P(real) %.4f, reply ppl %.3f (%.0f s)", g.name,
                                 row["adversarial_success"] as? Double ?? .nan, row["mean_p_real"] as? Double ?? .nan, ppl, row["seconds"] as? Double ?? 0))
            }
            var comparisons: [[String: Any]] = []
            for i in 1..<max(1, named.count) {
                let d = AdversarialSuccess.pairedBootstrap(perContext[0], perContext[i], resamples: bootstrap, seed: seed ^ 0xB007)
                let a = results[0], b = results[i]
                func num(_ r: [String: Any], _ key: String) -> Double { r[key] as? Double ?? .nan }
                comparisons.append([
                    "baseline": named[0].name, "generator": named[i].name, "success_difference": d.difference,
                    "ci95": [d.low, d.high], "share_of_resamples_not_above_zero": d.shareNotAbove, "resamples": d.resamples,
                    "perplexity_ratio": num(b, "reply_perplexity") / num(a, "reply_perplexity"),
                    "distinct_2_difference": num(b, "distinct_2") - num(a, "distinct_2"),
                ])
            }
            let humanLabelled = Double(judgeHuman.filter { $0 > 0.5 }.count) / Double(max(1, judgeHuman.count))
            let out: [String: Any] = [
                "judge": judge, "judge_context_tokens": judgeD.contextTokens, "judge_readout": judgeD.readout.rawValue, "corpus": corpus, "split": split, "contexts": n, "replies_per_context": k,
                "max_reply_tokens": maxReply, "temperature": Double(temperature), "top_k": topK, "seed": seed,
                "judge_on_human_replies": ["share_labelled_human": humanLabelled,
                                           "mean_p_real": judgeHuman.reduce(0, +) / Double(max(1, judgeHuman.count))],
                "generators": results, "comparisons": comparisons,
            ]
            let json = try JSONSerialization.data(withJSONObject: Self.finite(out), options: [.sortedKeys, .prettyPrinted])
            try StandardOutput.write(json)
            try StandardOutput.write("\n")
        }
    }
}
