import ArgumentParser
import AIGC
import Foundation

/// `aigc adversarial`: GPT + discriminator dialogue training.
struct AdversarialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adversarial",
        abstract: "Adversarial dialogue training: REINFORCE against a (context, reply) transformer discriminator.",
        discussion: """
        Pretrains the discriminator on human replies vs. replies sampled from --generator, then runs --rounds \
        rounds of: k discriminator updates, one policy-gradient generator update (reward = D's P(real), moving-\
        average baseline, optional Monte-Carlo rollouts) and --mle-steps teacher-forcing updates, repeated --g-steps \
        times. Writes DIR/metrics.jsonl (first the discriminator's pretraining curve, rows with d_step, \
        d_train_loss, d_train_accuracy, d_heldout_accuracy, d_heldout_auc, d_heldout_loss, p_real_human, p_real_sampled, \
        p_real_min, p_real_max; then one row per round: round 0 = the fine-tuned generator; keys round, d_accuracy, reward, val_ppl, \
        distinct_1, distinct_2, mean_length, base_val_ppl, reverted), DIR/adversarial.svg, DIR/samples.jsonl, \
        DIR/generator/ and DIR/discriminator/. A round that raises validation perplexity above \
        (1 + --max-ppl-increase) × the fine-tuned model's is undone and training stops.
        """
    )

    @Option(help: "Fine-tuned generator directory (DIR/best is used when present) or a registered model name.")
    var generator: String
    @OptionGroup var corpus: PackedCorpusArguments
    @Option(help: "Adversarial rounds (0: only pretrain the discriminator and evaluate the generator, e.g. a base model).")
    var rounds: Int = Self.defaults.rounds
    @Option(help: "Generator updates per round.")
    var gSteps: Int = Self.defaults.generatorSteps
    @Option(help: "Discriminator updates per generator update (k).")
    var dSteps: Int = Self.defaults.discriminatorSteps
    @Option(help: "Discriminator updates before the first round (the budget when --d-pretrain-until is given).")
    var dPretrainSteps: Int = Self.defaults.discriminatorPretrainSteps
    @Option(help: "Stop discriminator pretraining once its held-out accuracy (human vs sampled replies) reaches this, e.g. 0.75.")
    var dPretrainUntil: Double?
    @Option(help: "Linear learning-rate warm-up of the discriminator over its first N updates (0: none).")
    var dWarmup: Int = Self.defaults.discriminatorWarmup
    @Option(help: "The most context tokens the discriminator reads before a reply (0: all that fit the block; with --discriminator, the length it was trained with).")
    var dContext: Int = Self.defaults.discriminatorContext
    @Option(help: "Learning-rate multiplier of the discriminator's classification head (its three label rows) over --d-lr.")
    var dHeadLrMultiplier: Double = Self.defaults.discriminatorHeadLRMultiplier
    @Option(help: "What the discriminator's head reads: query (the QUERY token's state) or mean (mean-pooled over the reply and QUERY); default query, or a loaded discriminator's own.")
    var dReadout: String?
    @Option(help: "Start from this trained discriminator (an earlier run's DIR/discriminator) instead of a new one made from the generator.")
    var discriminator: String?
    @Option(help: "Discriminator updates between held-out evaluations of its pretraining curve.")
    var dEvalInterval: Int = Self.defaults.discriminatorEvalInterval
    @Option(help: "Discriminator loss: two-way (binary cross-entropy on h·e_REAL − h·e_FAKE) or vocabulary (the old full-vocabulary cross-entropy, kept for comparison).")
    var dLoss: String = Self.defaults.discriminatorLoss.rawValue
    @Option(help: "Teacher-forcing updates on human replies after each generator update.")
    var mleSteps: Int = Self.defaults.mleSteps
    @Option var batchSize: Int = Self.defaults.batchSize
    @Option var mleBatchSize: Int = Self.defaults.mleBatchSize
    @Option(help: "Monte-Carlo rollouts per reply prefix (0: sequence-level reward; at most 64). Each rollout samples a completion of every reply prefix, so a generator step costs about --batch-size × --max-reply-tokens × R sampled completions.")
    var rollouts: Int = Self.defaults.rollouts
    @Option var gLr: Double = Self.defaults.generatorLR
    @Option var dLr: Double = Self.defaults.discriminatorLR
    @Option var gradClip: Double = Self.defaults.gradClip
    @Option var baselineDecay: Double = Self.defaults.baselineDecay
    @Option var maxReplyTokens: Int = Self.defaults.maxReplyTokens
    @Option var temperature: Float = Self.defaults.temperature
    @Option var topK: Int = Self.defaults.topK
    @Option(help: "Largest allowed relative increase of validation perplexity over the fine-tuned model's.")
    var maxPplIncrease: Double = Self.defaults.maxPplIncrease
    @Option(help: "Held-out pairs for D accuracy, distinct-n and mean length.")
    var evalPairs: Int = Self.defaults.evalPairs
    @Option(help: "Tokenizer to decode replies with (distinct-n over words, readable samples): a named encoding or a tokenizer file; default: the generator's tokenizer.json, else the corpus manifest's.")
    var tokenizer: String?
    @Option(help: "End-of-reply token text (default: <|im_end|> when the corpus has it).")
    var stopToken: String?
    @Option var seed: UInt64 = Self.defaults.seed
    @Option var threads: Int = Self.defaults.threads
    @Option var shards: Int = Self.defaults.shards

    /// The library's defaults, shown by --help and used for every flag not given.
    private static let defaults = AdversarialOptions()

    func run() async throws {
        try await runCLI {
            var o = AdversarialOptions()
            o.rounds = rounds; o.generatorSteps = gSteps; o.discriminatorSteps = dSteps; o.discriminatorPretrainSteps = dPretrainSteps
            o.mleSteps = mleSteps; o.batchSize = batchSize; o.mleBatchSize = mleBatchSize; o.rollouts = rollouts
            o.generatorLR = gLr; o.discriminatorLR = dLr; o.gradClip = gradClip; o.baselineDecay = baselineDecay
            o.maxReplyTokens = maxReplyTokens; o.temperature = temperature; o.topK = topK; o.maxPplIncrease = maxPplIncrease
            o.evalPairs = evalPairs; o.seed = seed; o.discriminatorPretrainUntil = dPretrainUntil; o.discriminatorEvalInterval = dEvalInterval
            o.discriminatorWarmup = dWarmup; o.discriminatorContext = dContext
            o.discriminatorHeadLRMultiplier = dHeadLrMultiplier
            if let dReadout {
                guard let r = DiscriminatorReadout(rawValue: dReadout) else {
                    throw ValidationError("--d-readout must be one of \(DiscriminatorReadout.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(dReadout)')")
                }
                o.discriminatorReadout = r
            }
            guard let loss = DiscriminatorLoss(rawValue: dLoss) else {
                throw ValidationError("--d-loss must be one of \(DiscriminatorLoss.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(dLoss)')")
            }
            o.discriminatorLoss = loss; o.threads = try Limits.threads("--threads", threads); o.shards = shards
            try o.validate()  // options first: an absurd flag is refused before anything is loaded
            let trainCorpus = try corpus.trainCorpus()
            let valCorpus = try corpus.valCorpus()
            let modelDir = try DialogueCLISupport.modelDirectory(generator)
            let model = try GPTModel.load(directory: modelDir)
            let stopText = stopToken ?? "<|im_end|>"
            let stop = trainCorpus.specialTokens[stopText]
            if stopToken != nil && stop == nil {
                throw ValidationError("--stop-token '\(stopText)' is not a special token of the corpus (\(trainCorpus.specialTokens.keys.sorted().joined(separator: ", ")))")
            }
            let trainedD = try discriminator.map { path -> (model: GPTModel, contextTokens: Int, readout: DiscriminatorReadout) in
                let dir = URL(fileURLWithPath: path)
                let s = try DialogueDiscriminator.savedSettings(directory: dir)
                return (try GPTModel.load(directory: dir), s.contextTokens, s.readout)
            }
            let t = try AdversarialTrainer(generator: model, train: trainCorpus, val: valCorpus, stopToken: stop, options: o, discriminator: trainedD)
            t.decode = try DialogueCLISupport.decoder(for: trainCorpus, tokenizer: tokenizer, model: modelDir)
            if t.decode == nil { logStderr("adversarial: tokenizer '\(trainCorpus.tokenizerName ?? "?")' not loadable here; distinct-n counts tokens") }
            t.onDiscriminatorPoint = { p in
                let h = p.heldOut
                logStderr(String(format: "discriminator step %d: train loss %@ accuracy %@; held out accuracy %.3f AUC %.3f loss %.4f P(real) human %.3f sampled %.3f [%.3f, %.3f]",
                                 p.step, p.trainLoss.map { String(format: "%.4f", $0) } ?? "-", p.trainAccuracy.map { String(format: "%.3f", $0) } ?? "-",
                                 h.accuracy, h.auc, h.loss, h.meanRealHuman, h.meanRealSampled, h.minReal, h.maxReal))
            }
            t.onRound = { r in
                logStderr(String(format: "round %d: d_accuracy %.3f reward %.3f val_ppl %.3f distinct-1 %.3f distinct-2 %.3f mean_length %.1f%@",
                                 r.round, r.dAccuracy, r.reward, r.valPPL, r.distinct1, r.distinct2, r.meanLength, r.reverted ? " (reverted)" : ""))
            }
            let rows = try t.run(out: URL(fileURLWithPath: corpus.out))
            logStderr(String(format: "adversarial: %d rounds; fine-tuned val_ppl %.3f, final %.3f (limit %.3f); %d pairs for training, %d held out",
                             rows.count - 1, t.basePPL, rows.last?.valPPL ?? .nan, t.basePPL * (1 + maxPplIncrease), t.trainPairs.count, t.evalPairs.count))
        }
    }
}
