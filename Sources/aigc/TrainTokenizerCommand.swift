import ArgumentParser
import AIGC
import Foundation

struct TrainTokenizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-tokenizer",
        abstract: "Train a byte-level BPE vocabulary (the same merges as HF tokenizers' BpeTrainer).",
        discussion: """
        Files are read like HF's Tokenizer.train(files): line by line, each line keeping its \\n, optionally \
        normalized, then pre-tokenized with --pattern (gpt2 is HF's ByteLevel regex with add_prefix_space=false). \
        --vocab-size counts the 256 byte tokens plus the learned tokens; special tokens get the ids after them. \
        Writes DIR/tokenizer.json (HF-loadable), DIR/tokenizer.tiktoken and DIR/training.json.
        """
    )

    @Option(help: "Vocabulary size: 256 byte tokens plus learned tokens (special tokens not included).")
    var vocabSize: Int
    @Option(help: "Pre-tokenization: gpt2, cl100k, o200k, or a regex.")
    var pattern: String = "gpt2"
    @Option(help: "Stop when the most frequent pair occurs fewer times than this.")
    var minFrequency: UInt64 = 0
    @Option(name: .customLong("special-token"), help: "A special token (repeatable); ids follow the vocabulary in order.")
    var specialTokens: [String] = []
    @Option(help: "Normalize every line first with this pipeline JSON (this project's steps or an HF normalizer).")
    var normalize: String?
    @Option(help: "HF's max_token_length: merged tokens stay shorter than this many bytes (initial pairs excepted).")
    var maxTokenLength: Int?
    @Option(help: "Counting threads (default: all cores). The result does not depend on it.")
    var threads: Int = 0
    @Option(name: invalidUTF8OptionNames, help: "Lines that are not valid UTF-8: skip (counted, with a warning), replace (counted with U+FFFD) or fail.")
    var invalid: InvalidUTF8Policy = .skip
    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String
    @Argument(help: "Training text files.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one training file") }
        if threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() async throws {
        try await runCLI {
            var trainer = BPETrainer(vocabSize: vocabSize)
            trainer.minFrequency = minFrequency
            trainer.specialTokens = specialTokens
            trainer.maxTokenLength = maxTokenLength
            trainer.threads = threads == 0 ? 0 : try Limits.threads("--threads", threads)
            trainer.invalidLines = invalid
            if let normalize { trainer.normalizer = try TextNormalizer(contentsOf: URL(fileURLWithPath: normalize)) }
            let patternValue = PreTokenizerPattern(trainingName: pattern)
            if case .custom(let regex) = patternValue, regex.range(of: #"\{[0-9]+(,[0-9]*)?\}\+"#, options: .regularExpression) != nil {
                logStderr("aigc: warning: the pattern has a possessive interval like {1,3}+, which HF tokenizers (Oniguruma) read as a repeated group; tokenizer.json will split differently in HF")
            }

            var total = 0
            for f in files {
                guard let size = (try? FileManager.default.attributesOfItem(atPath: f))?[.size] as? Int else {
                    throw AIGCError.io("\(f): cannot read (no such file?)")
                }
                total += size
            }
            let counting = ProgressReporter("count", total: Double(total))
            // Created at the first merge step, so its rate and ETA count merging time only.
            var merging: ProgressReporter?
            let run = try trainer.train(
                files: files, pattern: patternValue,
                countingProgress: { counting.advance(by: Double($0)) },
                mergeProgress: { tokens in
                    if merging == nil {
                        counting.finish()
                        merging = ProgressReporter("merge", total: Double(vocabSize), unit: "tokens")
                    }
                    merging?.set(Double(tokens))
                })
            if let merging { merging.finish() } else { counting.finish() }
            if run.stats.invalidLinesSkipped > 0 {
                logStderr("aigc: warning: skipped \(run.stats.invalidLinesSkipped) line(s) that are not valid UTF-8, first at \(run.stats.invalidExamples.joined(separator: ", "))")
            }
            if run.stats.invalidLinesReplaced > 0 {
                logStderr("aigc: warning: counted \(run.stats.invalidLinesReplaced) line(s) that are not valid UTF-8 with U+FFFD")
            }
            let dir = URL(fileURLWithPath: output)
            try run.write(to: dir)
            let r = run.trained.result
            logStderr("aigc: \(r.tokens.count) tokens (\(r.merges.count) merges) + \(specialTokens.count) special from \(run.totalPreTokens) pre-tokens (\(run.distinctPreTokens) distinct) in \(String(format: "%.2f", run.countingSeconds + run.mergingSeconds)) s; wrote \(output)/tokenizer.json, tokenizer.tiktoken, training.json")
        }
    }
}
