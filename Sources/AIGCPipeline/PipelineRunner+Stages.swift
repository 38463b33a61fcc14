import AIGC
import Foundation

/// What one stage did.
struct StageOutcome {
    var metric: String
    var resumed = false
    /// Directories whose files are the stage's outputs (hashed into its stamp).
    var outputDirectories: [URL]
}

extension PipelineRunner {
    func execute(_ stage: PipelineStage, resumable: Bool) throws -> StageOutcome {
        switch stage {
        case .tokenizer: return try runTokenizer()
        case .corpus: return try runCorpus()
        case .audit: return try runAudit()
        case .pretrain: return try runPretrain(resumable: resumable)
        case .finetune: return try runFinetune(resumable: resumable)
        case .adversarial: return try runAdversarial()
        case .register: return try runRegister()
        }
    }

    /// Empties `dir` (a stage's own output directory) and creates it.
    func fresh(_ dir: URL) throws {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: dir.path) { try fm.removeItem(at: dir) }
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw AIGCError.io("\(dir.path): cannot recreate (\(error.localizedDescription))")
        }
    }

    func reporter(_ label: String, total: Double, unit: String) -> ProgressReporter {
        ProgressReporter(label, total: total, unit: unit, enabled: progress)
    }

    // MARK: tokenizer

    /// The tokenizer the tokenizer stage produced (a named encoding, or WORK/tokenizer/tokenizer.json).
    func loadTokenizer() throws -> Tokenizer {
        switch config.tokenizer {
        case .named(let name): return try Tokenizer.resolve(name)
        case .train: return try Tokenizer(contentsOf: dir(.tokenizer).appendingPathComponent("tokenizer.json"))
        }
    }

    func runTokenizer() throws -> StageOutcome {
        let out = dir(.tokenizer)
        try fresh(out)
        switch config.tokenizer {
        case .named(let name):
            let tok = try Tokenizer.named(name)
            try AtomicFile.write(Data((name + "\n").utf8), to: out.appendingPathComponent("encoding.txt"))
            return StageOutcome(metric: "\(name), \(tok.vocabularySize) ids", outputDirectories: [out])
        case .train(let vocabSize, let pattern, let minFrequency, let specials, let inputs):
            let files: [String]
            if let inputs {
                files = inputs
            } else {
                // Dialogue records: train on their message texts, one per line, not on the JSON around them.
                let text = out.appendingPathComponent("training-text.txt")
                try DialogueText.extract(inputs: config.corpus.inputs, format: config.corpus.format,
                                         textField: config.corpus.textField, to: text)
                files = [text.path]
            }
            var trainer = BPETrainer(vocabSize: vocabSize)
            trainer.minFrequency = minFrequency
            trainer.specialTokens = specials
            trainer.threads = config.threads
            let total = files.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
            let counting = reporter("tokenizer: count", total: total, unit: "B")
            var merging: ProgressReporter?
            let run = try trainer.train(files: files, pattern: PreTokenizerPattern(trainingName: pattern),
                                        countingProgress: { counting.advance(by: Double($0)) },
                                        mergeProgress: { n in
                                            if merging == nil { counting.finish(); merging = self.reporter("tokenizer: merge", total: Double(vocabSize), unit: "tokens") }
                                            merging?.set(Double(n))
                                        })
            if let merging { merging.finish() } else { counting.finish() }
            try run.write(to: out)
            let r = run.trained.result
            return StageOutcome(metric: "\(r.tokens.count) tokens + \(specials.count) special", outputDirectories: [out])
        }
    }

    // MARK: corpus

    func runCorpus() throws -> StageOutcome {
        let out = dir(.corpus)
        try fresh(out)
        let c = config.corpus
        var o = CorpusBuildOptions(inputs: c.inputs, inputFormat: c.format, outputDir: out.path)
        o.textField = c.textField
        o.template = c.template
        o.packing = c.packing
        o.seqLen = c.seqLen
        o.overlong = c.overlong
        o.minTokens = c.minTokens
        o.maxTokens = c.maxTokens
        o.trainOnPrompt = c.trainOnPrompt
        o.checkRoleOrder = c.checkRoleOrder
        o.exactDedup = c.exactDedup
        o.nearDedup = c.nearDedup
        o.scrubPII = c.scrubPII
        o.decontaminate = c.decontaminate
        o.valFraction = c.valFraction
        o.outputFormat = .safetensors
        o.keepRejects = true
        o.threads = config.threads
        o.progress = progress
        let m = try CorpusBuilder(options: o, tokenizer: try loadTokenizer()).run()
        guard (m.splits["train"]?.rows ?? 0) > 0 else {
            throw AIGCError.input(location: config.path, message: "corpus: no training rows were built from \(c.inputs.count) input file(s) (records_in \(m.recordsIn), kept \(m.recordsKept); see \(out.path)/rejects.jsonl)")
        }
        let tokens = m.splits.values.reduce(0) { $0 + $1.tokens }
        return StageOutcome(metric: "\(m.recordsKept)/\(m.recordsIn) records, \(tokens) tokens", outputDirectories: [out])
    }

    // MARK: audit

    func runAudit() throws -> StageOutcome {
        let out = dir(.audit)
        try fresh(out)
        let c = config.corpus
        var o = AuditOptions(inputs: c.inputs, inputFormat: c.format)
        o.textField = c.textField
        o.tokenizer = try loadTokenizer()
        o.seqLen = c.seqLen
        o.against = config.audit?.against ?? []
        o.threads = config.threads
        let total = c.inputs.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let report = try Auditor(options: o).run(progress: reporter("audit", total: total, unit: "B"))
        try AtomicFile.write(Data(try report.jsonData()), to: out.appendingPathComponent("audit.json"))
        try AtomicFile.write(HTMLReport.render(report), to: out.appendingPathComponent("audit.html"))
        let findings = report.findings.reduce(0) { $0 + $1.count }
        return StageOutcome(metric: "\(report.volume.documents) documents, \(findings) findings", outputDirectories: [out])
    }

    // MARK: pretrain

    /// The training token stream of a built corpus: every row's tokens except padding (segment 0).
    static func stream(_ corpus: PackedCorpus) -> TokenStream {
        var tokens: [Int32] = []
        tokens.reserveCapacity(corpus.inputIds.count)
        for i in corpus.inputIds.indices where corpus.segments[i] != 0 { tokens.append(corpus.inputIds[i]) }
        return TokenStream(tokens: tokens, path: corpus.directory + " (\(corpus.split))")
    }

    func hasValidation(_ corpusDir: URL) -> Bool {
        CorpusLayout.hasSafeTensorsShards(in: corpusDir, split: "val")
    }

    func runPretrain(resumable: Bool) throws -> StageOutcome {
        let out = dir(.pretrain)
        let corpusDir = dir(.corpus)
        let p = config.pretrain
        let train = try PackedCorpus(directory: corpusDir, split: "train")
        let val = hasValidation(corpusDir) ? try PackedCorpus(directory: corpusDir, split: "val") : nil
        var o = p.options
        o.logInterval = max(1, o.evalInterval / 5)
        let trainer: Trainer
        var resumed = false
        if resumable, FileManager.default.fileExists(atPath: out.appendingPathComponent("train_state.json").path),
           let t = try? Trainer.resume(outDirectory: out, options: o, config: nil) {
            trainer = t
            resumed = true
            log("pipeline: pretrain: resuming at iteration \(t.iter)")
        } else {
            try fresh(out)
            let config = GPTConfig(vocabSize: train.vocabSize, nLayer: p.nLayer, nHead: p.nHead, nEmbd: p.nEmbd,
                                   blockSize: o.blockSize, dropout: p.dropout)
            try config.validate(location: "\(self.config.path): pretrain")
            trainer = try Trainer(config: config, options: o, outDirectory: out)
        }
        let trainStream = Self.stream(train)
        let valStream = val.map(Self.stream)
        guard trainStream.count > o.blockSize else {
            throw AIGCError.input(location: "\(config.path): pretrain.block_size",
                                  message: "\(o.blockSize) is not shorter than the corpus's \(trainStream.count) training tokens; lower it or add data")
        }
        let source = try StreamBatchSource(train: trainStream, val: (valStream?.count ?? 0) > o.blockSize ? valStream : nil,
                                           batchSize: o.batchSize, blockSize: o.blockSize)
        let bar = reporter("pretrain", total: Double(o.maxIters), unit: "it")
        bar.set(Double(trainer.iter))
        trainer.onRow = { _ in bar.set(Double(trainer.iter)) }
        trainer.onCheckpoint = afterPretrainCheckpoint
        try trainer.run(source: source)
        bar.finish()
        let last = trainer.lastEval
        let metric = last.val.map { String(format: "val_loss %.4f", $0) } ?? String(format: "train_loss %.4f", last.train)
        return StageOutcome(metric: metric, resumed: resumed, outputDirectories: [out])
    }

    // MARK: finetune

    func runFinetune(resumable: Bool) throws -> StageOutcome {
        guard let ft = config.finetune else { throw AIGCError.usage("pipeline: no finetune section") }
        let out = dir(.finetune)
        let corpusDir = dir(.corpus)
        let train = try PackedCorpus(directory: corpusDir, split: "train")
        let val = hasValidation(corpusDir) ? try PackedCorpus(directory: corpusDir, split: "val") : nil
        let resume = resumable && FileManager.default.fileExists(atPath: out.appendingPathComponent("train_state.json").path)
        if !resume { try fresh(out) } else { log("pipeline: finetune: resuming from \(out.path)") }
        var f = Finetuner(options: ft.options, patience: ft.patience)
        let bar = reporter("finetune", total: Double(ft.options.maxIters), unit: "it")
        f.onRow = { row in
            if let obj = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any], let it = obj["iter"] as? Int { bar.set(Double(it)) }
        }
        let base = resume ? nil : try GPTModel.load(directory: dir(.pretrain))
        let s = try f.run(base: base, train: train, val: val, out: out, resume: resume)
        bar.finish()
        let metric = s.bestValPPL.map { String(format: "val_ppl %.3f (base %.3f)", $0, s.baseValPPL ?? .nan) } ?? "\(s.iters) iterations"
        return StageOutcome(metric: metric, resumed: resume, outputDirectories: [out])
    }

    // MARK: adversarial

    func runAdversarial() throws -> StageOutcome {
        guard let o = config.adversarial else { throw AIGCError.usage("pipeline: no adversarial section") }
        let out = dir(.adversarial)
        try fresh(out)
        let corpusDir = dir(.corpus)
        let train = try PackedCorpus(directory: corpusDir, split: "train")
        let val = try PackedCorpus(directory: corpusDir, split: hasValidation(corpusDir) ? "val" : "train")
        let generator = try GPTModel.load(directory: modelDirectory(after: .finetune))
        let stopText = config.corpus.template.specialTokens.first { $0 == "<|im_end|>" || $0 == "<|eot_id|>" } ?? ChatTemplate.endOfText
        let t = try AdversarialTrainer(generator: generator, train: train, val: val, stopToken: train.specialTokens[stopText], options: o)
        t.decode = CorpusTextDecoder.make(try loadTokenizer(), specialTokens: train.specialTokens)
        let bar = reporter("adversarial", total: Double(o.rounds), unit: "rounds")
        t.onRound = { r in bar.set(Double(r.round)) }
        let rows = try t.run(out: out)
        bar.finish()
        let metric = String(format: "val_ppl %.3f (fine-tuned %.3f), %d rounds", rows.last?.valPPL ?? .nan, t.basePPL, max(0, rows.count - 1))
        return StageOutcome(metric: metric, outputDirectories: [out])
    }

    // MARK: register

    /// The model directory a stage leaves: pretrain's checkpoint, finetune's best/, adversarial's generator/.
    func modelDirectory(after stage: PipelineStage) -> URL {
        switch stage {
        case .finetune:
            let best = dir(.finetune).appendingPathComponent("best")
            return FileManager.default.fileExists(atPath: best.appendingPathComponent("model.safetensors").path) ? best : dir(.finetune)
        case .adversarial: return dir(.adversarial).appendingPathComponent("generator")
        default: return dir(.pretrain)
        }
    }

    func runRegister() throws -> StageOutcome {
        let out = dir(.register)
        try fresh(out)
        let last = stages.last { [.pretrain, .finetune, .adversarial].contains($0) } ?? .pretrain
        let source = modelDirectory(after: last)
        let model = try GPTModel.load(directory: source)
        try model.save(directory: out)
        // The tokenizer, with the corpus's special tokens (template markers) at the ids the model was trained on.
        let corpus = try PackedCorpus(directory: dir(.corpus), split: "train")
        var tok = try loadTokenizer()
        var specials = tok.specialTokens
        for (text, id) in corpus.specialTokens where id >= 0 { specials[text] = UInt32(id) }
        tok = try tok.withSpecialTokens(specials)
        guard tok.vocabularySize <= model.config.vocabSize else {
            throw AIGCError.input(location: source.path, message: "the tokenizer has \(tok.vocabularySize) ids but the model only \(model.config.vocabSize)")
        }
        try tok.save(tokenizerJSON: out.appendingPathComponent("tokenizer.json"))
        for f in ["audit.json", "audit.html"] {
            let src = dir(.audit).appendingPathComponent(f)
            if config.audit != nil { try AtomicFile.write(try Data(contentsOf: src), to: out.appendingPathComponent(f)) }
        }
        var card = ModelCard(name: config.name, tokenizer: "tokenizer.json", chatTemplate: config.corpus.template.rawValue,
                             created: ISO8601DateFormatter().string(from: Date()))
        card.trainedFrom["config"] = URL(fileURLWithPath: config.path).standardizedFileURL.path
        card.trainedFrom["config_sha256"] = config.sha256
        card.trainedFrom["stages"] = stages.filter { $0 != .register }.map(\.rawValue).joined(separator: ",")
        switch config.tokenizer {
        case .named(let n): card.trainedFrom["tokenizer"] = n
        case .train(let v, let p, _, _, _): card.trainedFrom["tokenizer"] = "trained byte-level BPE, vocab \(v), pattern \(p)"
        }
        for (i, input) in config.corpus.inputs.enumerated() {
            card.trainedFrom["input_\(i)"] = "\(input) sha256:\(try FileHashing.sha256(file: URL(fileURLWithPath: input)))"
        }
        card.metrics = try finalMetrics(last: last)
        try card.save(directory: out)
        let registered = try store.register(out, as: config.name, card: card, replace: true)
        var metric = "'\(config.name)' → \(registered.path)"
        if let v = card.metrics["val_loss"] { metric += String(format: " (val_loss %.4f)", v) }
        return StageOutcome(metric: metric, outputDirectories: [out, registered])
    }

    /// Metrics for the card: pretraining's last validation loss, fine-tuning's best, adversarial's final perplexity.
    func finalMetrics(last: PipelineStage) throws -> [String: Double] {
        var m: [String: Double] = [:]
        if let row = try lastRow(dir(.pretrain).appendingPathComponent("metrics.jsonl"), key: "val_loss") {
            m["pretrain_val_loss"] = row
            m["val_loss"] = row
        }
        if config.finetune != nil, let data = try? Data(contentsOf: dir(.finetune).appendingPathComponent("finetune.json")),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let v = obj["best_val_loss"] as? Double { m["finetune_val_loss"] = v; m["val_loss"] = v; m["val_ppl"] = exp(v) }
            if let v = obj["base_val_loss"] as? Double { m["finetune_base_val_loss"] = v }
        }
        if last == .adversarial, let v = try lastRow(dir(.adversarial).appendingPathComponent("metrics.jsonl"), key: "val_ppl") {
            m["adversarial_val_ppl"] = v
            m["val_ppl"] = v
            m["val_loss"] = Foundation.log(v)
        }
        return m
    }

    /// The last finite value of `key` in a metrics.jsonl file.
    func lastRow(_ url: URL, key: String) throws -> Double? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var value: Double?
        for line in text.split(separator: "\n") {
            if let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let v = obj[key] as? Double, v.isFinite { value = v }
        }
        return value
    }
}
