import AIGCCore
import AIGC
import Foundation

/// A pipeline config (`aigc pipeline run CONFIG.yaml`): the model's name and one section per stage. Every key is
/// documented in docs/pipeline.md; paths are relative to the config file's directory. Each section's options
/// are kept as the library's own option types, so a stage calls the library exactly as the CLI command does.
public struct PipelineConfig: Sendable {
    /// How the tokenizer stage gets its tokenizer.
    public enum TokenizerSource: Sendable, Equatable {
        /// A shipped encoding (`cl100k_base` …).
        case named(String)
        /// A byte-level BPE trained on `inputs` (default: the corpus inputs' message texts).
        case train(vocabSize: Int, pattern: String, minFrequency: UInt64, specialTokens: [String], inputs: [String]?)
    }

    public struct Corpus: Sendable {
        public var inputs: [String]
        public var format: InputFormat = .openai
        public var textField = "text"
        public var template: ChatTemplate = .chatml
        public var packing: PackingMode?
        public var seqLen = 256
        public var overlong: OverlongPolicy = .truncate
        public var valFraction = 0.05
        public var trainOnPrompt = false
        public var exactDedup = true
        public var nearDedup = true
        public var scrubPII = true
        public var checkRoleOrder = true
        public var minTokens = 0
        public var maxTokens: Int?
        public var decontaminate: [String] = []
    }

    public struct Audit: Sendable {
        public var against: [String] = []
    }

    public struct Pretrain: Sendable {
        public var nLayer = 2
        public var nHead = 2
        public var nEmbd = 64
        public var dropout: Float = 0
        public var options = TrainingOptions()
    }

    public struct Finetune: Sendable {
        public var options = TrainingOptions.finetuning
        public var patience = 3
    }

    /// The registered name of the result.
    public var name: String
    /// Where stage outputs and stamps live (nil: `~/.cache/aigc/pipeline/NAME`).
    public var workDir: String?
    public var tokenizer: TokenizerSource
    public var corpus: Corpus
    public var audit: Audit?
    public var pretrain: Pretrain
    public var finetune: Finetune?
    public var adversarial: AdversarialOptions?
    /// Worker threads for every stage (results never depend on it).
    public var threads: Int
    /// The config file's bytes' SHA-256 (recorded in the model card).
    public var sha256: String
    public var path: String

    /// Reads and checks a config file. Every error names the file, the line and the key.
    public static func load(path: String) throws -> PipelineConfig {
        let url = URL(fileURLWithPath: path)
        let data = try FileContents.read(url, name: path)
        guard let text = String(data: data, encoding: .utf8) else { throw AIGCError.input(location: path, message: "not UTF-8 text") }
        return try parse(text, path: path, sha256: SHA256.hash(data))
    }

    static let topKeys = ["name", "work_dir", "threads", "seed", "tokenizer", "corpus", "audit", "pretrain", "finetune", "adversarial"]

    /// Parses config text; relative paths are taken from `path`'s directory.
    public static func parse(_ text: String, path: String, sha256: String? = nil) throws -> PipelineConfig {
        let root = try ConfigNode.parse(text, file: path)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path }
        let top = try root.mapping(allowed: topKeys)
        func require(_ key: String) throws -> ConfigNode {
            guard let n = top[key] else { throw root.error("missing key '\(key)'") }
            return n
        }
        let nameNode = try require("name")
        let name = try nameNode.string()
        guard ModelStore.isValid(name: name) else {
            throw nameNode.error("'\(name)' is not a valid model name (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)")
        }
        let threads = try top["threads"]?.int(1...256) ?? Limits.cores
        let seed = try top["seed"]?.uint64() ?? 1337

        // corpus (parsed first: the tokenizer defaults to training on its inputs)
        let c = try require("corpus").mapping(allowed: ["inputs", "format", "text_field", "template", "packing", "seq_len",
                                                        "overlong", "val_fraction", "train_on_prompt", "cleaning"])
        guard let inputsNode = c["inputs"] else { throw try require("corpus").error("missing key 'inputs'") }
        var corpus = Corpus(inputs: try inputsNode.strings().map(resolve))
        guard !corpus.inputs.isEmpty else { throw inputsNode.error("give at least one input file") }
        if let n = c["format"] { corpus.format = try n.choice(InputFormat.self) }
        if let n = c["text_field"] { corpus.textField = try n.string() }
        if let n = c["template"] { corpus.template = try n.choice(ChatTemplate.self) }
        if let n = c["packing"] { corpus.packing = try n.choice(PackingMode.self) }
        if let n = c["seq_len"] { corpus.seqLen = try n.int(2...65_536) }
        if let n = c["overlong"] { corpus.overlong = try n.choice(OverlongPolicy.self) }
        if let n = c["val_fraction"] { corpus.valFraction = try n.double(0...0.9) }
        if let n = c["train_on_prompt"] { corpus.trainOnPrompt = try n.bool() }
        if let cl = try c["cleaning"]?.mapping(allowed: ["dedup", "near_dedup", "pii", "role_check", "min_tokens", "max_tokens", "decontaminate"]) {
            if let n = cl["dedup"] { corpus.exactDedup = try n.bool() }
            if let n = cl["near_dedup"] { corpus.nearDedup = try n.bool() }
            if let n = cl["pii"] { corpus.scrubPII = try n.bool() }
            if let n = cl["role_check"] { corpus.checkRoleOrder = try n.bool() }
            if let n = cl["min_tokens"] { corpus.minTokens = try n.int(0...1 << 30) }
            if let n = cl["max_tokens"] { corpus.maxTokens = try n.int(1...1 << 30) }
            if let n = cl["decontaminate"] { corpus.decontaminate = try n.strings().map(resolve) }
        }

        // tokenizer
        let tokNode = try require("tokenizer")
        let tokenizer: TokenizerSource
        let t = try tokNode.mapping(allowed: ["encoding", "train"])
        switch (t["encoding"], t["train"]) {
        case (let e?, nil):
            let s = try e.string()
            guard NamedEncoding.named(s) != nil else { throw e.error("'\(s)' is not a named encoding (cl100k_base, o200k_base, r50k_base, p50k_base)") }
            tokenizer = .named(s)
        case (nil, let tr?):
            let m = try tr.mapping(allowed: ["vocab_size", "pattern", "min_frequency", "special_tokens", "inputs"])
            guard let vs = m["vocab_size"] else { throw tr.error("missing key 'vocab_size'") }
            var specials = try m["special_tokens"]?.strings() ?? []
            // The template's markers become real special tokens of the trained vocabulary (so prompts encode them).
            for s in corpus.template.specialTokens where !specials.contains(s) { specials.append(s) }
            tokenizer = .train(vocabSize: try vs.int(257...1 << 20), pattern: try m["pattern"]?.string() ?? "gpt2",
                               minFrequency: try m["min_frequency"]?.uint64() ?? 2, specialTokens: specials,
                               inputs: try m["inputs"]?.strings().map(resolve))
        default:
            throw tokNode.error("give exactly one of 'encoding' (a named encoding) and 'train' (a vocabulary to train)")
        }

        // audit
        var audit: Audit?
        if let a = top["audit"] {
            if case .scalar = a.node {
                audit = try a.bool() ? Audit() : nil
            } else {
                let m = try a.mapping(allowed: ["against"])
                audit = Audit(against: try m["against"]?.strings().map(resolve) ?? [])
            }
        }

        // pretrain
        let preNode = try require("pretrain")
        let p = try preNode.mapping(allowed: ["n_layer", "n_head", "n_embd", "dropout", "block_size"] + trainingKeys)
        var pretrain = Pretrain()
        pretrain.options.seed = seed
        pretrain.options.threads = threads
        pretrain.options.blockSize = corpus.seqLen
        if let n = p["n_layer"] { pretrain.nLayer = try n.int(1...64) }
        if let n = p["n_head"] { pretrain.nHead = try n.int(1...64) }
        if let n = p["n_embd"] { pretrain.nEmbd = try n.int(1...8192) }
        if let n = p["dropout"] { pretrain.dropout = Float(try n.double(0...0.9)) }
        if let n = p["block_size"] { pretrain.options.blockSize = try n.int(1...65_536) }
        guard pretrain.nEmbd % pretrain.nHead == 0 else {
            throw (p["n_embd"] ?? preNode).error("n_embd \(pretrain.nEmbd) must be a multiple of n_head \(pretrain.nHead)")
        }
        guard pretrain.options.blockSize >= corpus.seqLen else {
            throw (p["block_size"] ?? preNode).error("block_size \(pretrain.options.blockSize) is shorter than corpus.seq_len \(corpus.seqLen): fine-tuning rows would not fit")
        }
        try readTraining(p, into: &pretrain.options, node: preNode)

        // finetune
        var finetune: Finetune?
        if let fNode = top["finetune"] {
            let f = try fNode.mapping(allowed: ["patience"] + trainingKeys)
            var ft = Finetune()
            ft.options.seed = seed
            ft.options.threads = threads
            if let n = f["patience"] { ft.patience = try n.int(0...1_000_000) }
            try readTraining(f, into: &ft.options, node: fNode)
            finetune = ft
        }

        // adversarial
        var adversarial: AdversarialOptions?
        if let aNode = top["adversarial"] {
            guard finetune != nil else { throw aNode.error("the adversarial stage needs a finetune section (it starts from the fine-tuned model)") }
            let a = try aNode.mapping(allowed: adversarialFields.map(\.key))
            var o = AdversarialOptions()
            o.seed = seed
            o.threads = threads
            try ConfigField.read(adversarialFields, from: a, into: &o)
            adversarial = o
        }

        return PipelineConfig(name: name, workDir: try top["work_dir"].map { resolve(try $0.string()) }, tokenizer: tokenizer, corpus: corpus,
                              audit: audit, pretrain: pretrain, finetune: finetune, adversarial: adversarial, threads: threads,
                              sha256: sha256 ?? SHA256.hash(Data(text.utf8)), path: path)
    }

    /// The `adversarial` section's keys (`AdversarialOptions`).
    static let adversarialFields: [ConfigField<AdversarialOptions>] = [
        .int("rounds", \.rounds, 0...10_000), .int("g_steps", \.generatorSteps, 1...100_000),
        .int("d_steps", \.discriminatorSteps, 1...100_000), .int("d_pretrain_steps", \.discriminatorPretrainSteps, 0...1_000_000),
        .int("mle_steps", \.mleSteps, 0...100_000), .int("batch_size", \.batchSize, 1...4096),
        .int("mle_batch_size", \.mleBatchSize, 1...4096), .int("rollouts", \.rollouts, 0...64),
        .double("g_lr", \.generatorLR, 1e-12...10), .double("d_lr", \.discriminatorLR, 1e-12...10),
        .int("max_reply_tokens", \.maxReplyTokens, 1...65_536),
        ConfigField("temperature") { n, o in o.temperature = Float(try n.double(0.01...10)) },
        .int("top_k", \.topK, 0...1 << 20), .double("max_ppl_increase", \.maxPplIncrease, 0...100),
        .int("eval_pairs", \.evalPairs, 1...1_000_000),
        ConfigField("d_pretrain_until") { n, o in o.discriminatorPretrainUntil = try n.double(0.01...1) },
        .int("d_eval_interval", \.discriminatorEvalInterval, 1...1_000_000),
        .int("d_warmup", \.discriminatorWarmup, 0...1_000_000), .int("d_context", \.discriminatorContext, 0...1 << 20),
        .double("d_head_lr_multiplier", \.discriminatorHeadLRMultiplier, 1e-3...1e4),
        ConfigField("d_readout") { n, o in
            let s = try n.string()
            guard let r = DiscriminatorReadout(rawValue: s) else {
                throw n.error("d_readout must be one of \(DiscriminatorReadout.allCases.map(\.rawValue).joined(separator: ", ")), not '\(s)'")
            }
            o.discriminatorReadout = r
        },
    ]

    /// Keys shared by the pretrain and finetune sections (`TrainingOptions`). Without `lr_decay_iters` the decay
    /// lasts `max_iters`.
    static let trainingFields: [ConfigField<TrainingOptions>] = [
        .int("batch_size", \.batchSize, 1...4096), .int("max_iters", \.maxIters, 0...100_000_000),
        .double("lr", \.lr, 1e-12...10), .double("min_lr", \.minLR, 0...10), .int("warmup_iters", \.warmupIters, 0...100_000_000),
        ConfigField("lr_decay_iters") { n, o in o.lrDecayIters = try n.int(0...100_000_000) },
        .double("weight_decay", \.weightDecay, 0...10), .double("grad_clip", \.gradClip, 0...1e6),
        .int("grad_accum", \.gradAccumSteps, 1...4096), .int("eval_interval", \.evalInterval, 1...100_000_000),
        .int("eval_iters", \.evalIters, 1...100_000), .int("shards", \.shards, 1...256),
        .double("beta1", \.beta1, 0...0.999_999), .double("beta2", \.beta2, 0...0.999_999),
    ]
    static var trainingKeys: [String] { trainingFields.map(\.key) }

    static func readTraining(_ m: [String: ConfigNode], into o: inout TrainingOptions, node: ConfigNode) throws {
        try ConfigField.read(trainingFields, from: m, into: &o)
        if m["lr_decay_iters"] == nil { o.lrDecayIters = o.maxIters }
        do { try o.validate() } catch { throw node.error("\(error)") }
    }
}
