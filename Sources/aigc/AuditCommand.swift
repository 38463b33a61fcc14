import AIGCCore
import ArgumentParser
import AIGC
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit training data: volume, lengths, text health, duplicates, PII, scripts, tokenizer fit, contamination.",
        discussion: """
        Writes a JSON report (stable keys, docs/audit.md) and optionally a self-contained HTML report with charts. \
        Give input files, or one directory built by `aigc corpus build` to audit its tensors (trained-token \
        fraction, padding, packing efficiency, label sanity). Streams in bounded memory; the report does not \
        depend on --threads.
        """
    )

    @Option(help: "Input format: openai, sharegpt, alpaca, dailydialog, jsonl, text.")
    var inputFormat: InputFormat = .jsonl
    @Option(help: "JSON field with the text for --input-format jsonl.")
    var textField = "text"
    @Option(help: "Tokenizer for token counts and fit: cl100k_base, o200k_base, or a .tiktoken/tokenizer.json file.")
    var tokenizer: String?
    @Option(help: "Evaluation file to check contamination against (13-grams of words); repeat for several.")
    var against: [String] = []
    @Option(help: "Report documents longer than this many tokens (needs --tokenizer).")
    var seqLen: Int?
    @Option(help: "Normalization pipeline JSON applied before duplicate/PII/contamination/token analysis (default: the corpus builder's).")
    var normalize: String?
    @Option(help: "Report runs of one character at least this long.")
    var longRun = 64
    @Option(help: "Examples kept per finding.")
    var examples = 5
    @Option(help: "Worker threads (default: all cores). The report is identical for any value.")
    var threads = Limits.cores
    @Option(help: "Records are read and analysed in batches of at most this many bytes (memory bound).")
    var batchBytes = 2 << 20
    @Option(help: "Records over this many bytes are reported as malformed (record_too_large) instead of analysed, never held in memory whole (1 KiB…2 GiB).")
    var maxRecordBytes = CorpusBuildOptions.defaultMaxRecordBytes
    @Option(help: "Keys kept per n-gram/line frequency summary before pruning (memory vs. accuracy of rare counts).")
    var summaryCapacity = 100_000
    @Option(help: "Write the JSON report here.")
    var json: String
    @Option(help: "Also write a self-contained HTML report here.")
    var html: String?
    @Argument(help: "Input files, or one directory built by `aigc corpus build`.")
    var inputs: [String]

    func run() async throws {
        try await runCLI {
            let threads = try Limits.threads("--threads", threads)
            var isDir: ObjCBool = false
            let report: AuditReport
            if inputs.count == 1, FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isDir), isDir.boolValue {
                report = try BuiltCorpusAuditor(directory: inputs[0]).run()
            } else {
                var o = AuditOptions(inputs: inputs, inputFormat: inputFormat)
                o.textField = textField
                if let tokenizer { o.tokenizer = try Tokenizer.resolve(tokenizer) }
                if seqLen != nil && tokenizer == nil { throw ValidationError("--seq-len needs --tokenizer") }
                o.seqLen = seqLen
                o.against = against
                if let normalize {
                    o.normalizer = try TextNormalizer(contentsOf: URL(fileURLWithPath: normalize))
                    o.normalizerName = normalize
                }
                guard longRun >= 2 else { throw ValidationError("--long-run must be at least 2") }
                o.longRunThreshold = longRun
                o.examplesPerFinding = max(0, examples)
                o.threads = threads
                guard batchBytes >= 1 << 16 else { throw ValidationError("--batch-bytes must be at least 65536") }
                guard summaryCapacity >= 1000 else { throw ValidationError("--summary-capacity must be at least 1000") }
                o.batchBytes = batchBytes
                try Limits.check("--max-record-bytes", maxRecordBytes, in: 1024...(1 << 31))
                o.maxRecordBytes = maxRecordBytes
                o.summaryCapacity = summaryCapacity
                let total = inputs.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
                report = try Auditor(options: o).run(progress: ProgressReporter("audit", total: total))
                try o.tokenizer?.checkPreTokenizer()
            }
            try AtomicFile.write(Data(try report.jsonData()), to: URL(fileURLWithPath: json))
            if let html { try AtomicFile.write(HTMLReport.render(report), to: URL(fileURLWithPath: html)) }
            logStderr(report.summaryLine)
        }
    }
}
