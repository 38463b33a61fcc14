import AIGC
import ArgumentParser
import Foundation

struct PretrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Train a GPT-2 from scratch on a token stream (nanoGPT recipe, fp32 on OpenBLAS).",
        discussion: """
        Takes random block-size windows from --train (nanoGPT .bin, Megatron .bin/.idx, or safetensors input_ids). \
        Writes DIR/metrics.jsonl, DIR/loss.svg and a checkpoint after every evaluation (config.json, \
        model.safetensors, optimizer.safetensors, train_state.json). --resume continues DIR bit-identically. \
        Prints one JSON object per evaluation and a summary line.
        """
    )

    @Option(help: "Training tokens.") var train: String
    @Option(help: "Validation tokens.") var val: String?
    @Option(help: "nanogpt, megatron or safetensors.") var dataFormat: String = "nanogpt"
    @Option(help: "Vocabulary size.") var vocabSize: Int?
    @Option(help: "Transformer blocks (default: 4; with --resume, must match the checkpoint).") var nLayer: Int?
    @Option(help: "Attention heads (default: 4; with --resume, must match the checkpoint).") var nHead: Int?
    @Option(help: "Embedding width (default: 128; with --resume, must match the checkpoint).") var nEmbd: Int?
    @Option(help: "Context length (model positions and training window).") var blockSize: Int = 64
    @OptionGroup var training: TrainingArguments<PretrainPreset>
    @Option(help: "Dropout on embeddings, attention and residual branches (default: 0; with --resume, must match the checkpoint).") var dropout: Float?
    @Flag(help: "Time sgemm calls; the summary reports their share of training time and GFLOP/s.") var profile = false
    @Option(help: "Output directory.") var out: String
    @Option(help: """
        The tokenizer that made the ids (a named encoding or a tokenizer file): saved as DIR/tokenizer.json so \
        `generate` and `export-hf` find it. Its ids must fit --vocab-size.
        """) var tokenizer: String?
    @Flag(help: "Continue the run checkpointed in --out.") var resume = false

    func run() async throws {
        try await runCLI {
            guard let format = TokenStream.Format(rawValue: dataFormat) else {
                throw ValidationError("--data-format must be nanogpt, megatron or safetensors")
            }
            let outURL = URL(fileURLWithPath: out)
            // One run per output directory: a second pretrain into it is refused while this one runs.
            let lock = try DirectoryLock(directory: outURL, what: "aigc pretrain")
            defer { withExtendedLifetime(lock) {} }
            var o = try training.options()
            o.blockSize = blockSize
            o.profile = profile
            try o.validate()
            let trainer: Trainer
            let config: GPTConfig
            if resume {
                let existing = try GPTConfig.load(outURL.appendingPathComponent("config.json"))
                // The architecture is the checkpoint's: an option given with another value is refused, not ignored.
                let given: [(String, String?, String)] = [
                    ("--vocab-size", vocabSize.map(String.init), String(existing.vocabSize)),
                    ("--n-layer", nLayer.map(String.init), String(existing.nLayer)),
                    ("--n-head", nHead.map(String.init), String(existing.nHead)),
                    ("--n-embd", nEmbd.map(String.init), String(existing.nEmbd)),
                    ("--dropout", dropout.map { "\($0)" }, "\(existing.dropout)"),
                ]
                for (flag, value, stored) in given {
                    if let value, value != stored {
                        throw AIGCError.usage("--resume: \(flag) \(value) differs from the checkpoint's \(stored) (\(outURL.path)/config.json); drop the flag or start a new --out")
                    }
                }
                config = existing
                trainer = try Trainer.resume(outDirectory: outURL, options: o, config: nil)
            } else {
                guard let vocabSize else { throw ValidationError("--vocab-size is required (except with --resume)") }
                config = GPTConfig(vocabSize: vocabSize, nLayer: nLayer ?? 4, nHead: nHead ?? 4, nEmbd: nEmbd ?? 128, blockSize: blockSize, dropout: dropout ?? 0)
                try config.validate(location: "options")
                trainer = try Trainer(config: config, options: o, outDirectory: outURL)
            }
            let trainStream = try TokenStream.load(path: train, format: format, vocabSize: config.vocabSize)
            let valStream = try val.map { try TokenStream.load(path: $0, format: format, vocabSize: config.vocabSize) }
            let source = try StreamBatchSource(train: trainStream, val: valStream, batchSize: o.batchSize, blockSize: blockSize)
            // nanoGPT keeps its character vocabulary next to train.bin: bring it along so `generate` can use it.
            let meta = URL(fileURLWithPath: train).deletingLastPathComponent().appendingPathComponent("meta.json")
            let metaOut = outURL.appendingPathComponent("meta.json")
            if format == .nanogpt, FileManager.default.fileExists(atPath: meta.path), !FileManager.default.fileExists(atPath: metaOut.path) {
                _ = try CharacterCodec(metaJSON: meta)  // only a valid character vocabulary is copied
                try AtomicFile.write(try Data(contentsOf: meta), to: metaOut)
            }
            if let tokenizer, let tok = try TokenCodecLoader.loadBPE(tokenizer) {
                try TokenCodecLoader.ensureFits(tok, spec: tokenizer, vocabularySize: config.vocabSize)
                try tok.save(tokenizerJSON: outURL.appendingPathComponent("tokenizer.json"))
            }
            trainer.onRow = { line in try StandardOutput.line(line) }
            try trainer.run(source: source)
            var summary: [String: Any] = [
                "summary": true, "iters": trainer.trainedIters, "train_loss": trainer.lastEval.train,
                "ms_per_iter": trainer.trainedIters > 0 ? 1000 * trainer.trainSeconds / Double(trainer.trainedIters) : 0,
                "tokens_per_s": trainer.trainSeconds > 0 ? Double(trainer.trainedIters * o.batchSize * blockSize * o.gradAccumSteps) / trainer.trainSeconds : 0,
                "params": trainer.model.parameterCount,
            ]
            if let v = trainer.lastEval.val { summary["val_loss"] = v }
            if trainer.trainedIters > 0 {
                summary["cpu_ms_per_iter"] = 1000 * trainer.trainCPUSeconds / Double(trainer.trainedIters)
            }
            if profile, trainer.sgemmSeconds > 0 {
                // CPU-time based, so meaningful on a busy machine: the share of the training steps' CPU time
                // spent inside sgemm, and sgemm's rate per CPU-second (per core).
                summary["sgemm_share"] = trainer.sgemmSeconds / trainer.trainCPUSeconds
                summary["sgemm_gflops_per_core"] = trainer.sgemmFlops / trainer.sgemmSeconds / 1e9
                summary["gflops_per_iter"] = trainer.sgemmFlops / Double(max(1, trainer.trainedIters)) / 1e9
                summary["gflops_per_cpu_s"] = trainer.sgemmFlops / trainer.trainCPUSeconds / 1e9
            }
            // JSON has no NaN/inf: drop non-finite figures (e.g. no evaluation ran after --resume at the end).
            summary = summary.filter { !(($0.value as? Double).map { !$0.isFinite } ?? false) }
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
            try StandardOutput.write(data + Data("\n".utf8))
        }
    }
}
