import ArgumentParser
import AIGC
import Foundation

struct CorpusBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Turn raw dialogue/text into tokenized, loss-masked, packed training tensors.",
        discussion: """
        Every input record is kept or dropped with a counted reason (manifest.json: records_in == records_kept + \
        Σ dropped). Output bytes are identical for any --threads. For distributed runs give each task \
        --num-shards N --shard-index I and combine with `aigc corpus merge`. Details: docs/corpus.md.
        """
    )

    @Option(help: "Input format: openai, sharegpt, alpaca, dailydialog, jsonl, text.")
    var inputFormat: InputFormat
    @Option(help: "JSON field with the text for --input-format jsonl.")
    var textField = "text"
    @Option(help: "Normalization pipeline JSON (default: newlines, control-character removal, NFC).")
    var normalize: String?
    @Option(name: invalidUTF8OptionNames, help: "Records with invalid UTF-8: skip (counted as invalid_utf8; also 'drop'), replace (with U+FFFD) or fail (stop at the first).")
    var invalidUtf8: InvalidUTF8Policy = .skip
    @Option(help: "Tokenizer: cl100k_base, o200k_base, a .tiktoken/tokenizer.json file, or bytes.")
    var tokenizer = "cl100k_base"
    @Option(help: "Chat template: chatml, llama3, plain.")
    var template: ChatTemplate = .chatml
    @Option(help: "Packing: pack, pad, concat (default: pack for dialogue formats, concat for jsonl/text).")
    var packing: PackingMode?
    @Option(help: "Row length in tokens.")
    var seqLen = 2048
    @Option(help: "Documents longer than --seq-len (pack/pad): drop or truncate (whole turns from the start).")
    var overlong: OverlongPolicy = .truncate
    @Option(help: "Drop documents with fewer tokens.")
    var minTokens = 0
    @Option(help: "Drop documents with more tokens.")
    var maxTokens: Int?
    @Flag(help: "Train on every token (prompts too), not only assistant turns.")
    var trainOnPrompt = false
    @Flag(help: "Do not check role order (system first, user/assistant alternating, ending with assistant).")
    var noRoleCheck = false
    @Flag(help: "Disable exact deduplication.")
    var noDedup = false
    @Flag(help: "Disable MinHash-LSH near deduplication.")
    var noNearDedup = false
    @Option(help: "MinHash LSH bands.")
    var minhashBands = 14
    @Option(help: "MinHash rows per band.")
    var minhashRows = 8
    @Option(help: "Word n-gram size of MinHash shingles.")
    var minhashNgram = 5
    @Flag(help: "Do not replace e-mails, phone numbers, IP addresses and card numbers.")
    var noPii = false
    @Option(help: "Evaluation file to decontaminate against (13-grams of words); repeat for several.")
    var decontaminate: [String] = []
    @Option(help: "Word n-gram size for decontamination.")
    var decontaminationNgram = 13
    @Option(help: "Share of records (by a stable content hash) in the validation split.")
    var valFraction = 0.01
    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String
    @Option(help: "Output format: safetensors, npy, megatron, nanogpt.")
    var outputFormat: OutputFormat = .safetensors
    @Option(help: "Rows per safetensors/npy shard file.")
    var rowsPerShard = 4096
    @Flag(help: "Write dropped records with reason and source to DIR/rejects.jsonl.")
    var keepRejects = false
    @Flag(help: "Stop at the first malformed record (bad JSON, wrong types, unknown role, invalid UTF-8, over --max-record-bytes).")
    var strict = false
    @Option(help: "Drop records (a JSONL line, a JSON array element, a text file) over this many bytes as record_too_large, without holding them in memory (1 KiB…2 GiB).")
    var maxRecordBytes = CorpusBuildOptions.defaultMaxRecordBytes
    @Option(help: "Worker threads (default: all cores). Outputs do not depend on it.")
    var threads: Int?
    @Option(help: "Split the records into N stable shards and process only --shard-index.")
    var numShards = 1
    @Option(help: "Which shard to process (0-based).")
    var shardIndex = 0
    @Argument(help: "Input files (.gz allowed).")
    var files: [String] = []

    func options() throws -> CorpusBuildOptions {
        guard !files.isEmpty else { throw ValidationError("no input files") }
        var o = CorpusBuildOptions(inputs: files, inputFormat: inputFormat, outputDir: output)
        o.textField = textField
        if let normalize {
            o.normalizer = try TextNormalizer(contentsOf: URL(fileURLWithPath: normalize))
            o.normalizerSource = normalize
        }
        o.invalidUTF8 = invalidUtf8
        o.template = template
        o.packing = packing
        o.seqLen = seqLen
        o.overlong = overlong
        o.minTokens = minTokens
        o.maxTokens = maxTokens
        o.trainOnPrompt = trainOnPrompt
        o.checkRoleOrder = !noRoleCheck
        o.exactDedup = !noDedup
        o.nearDedup = !noNearDedup
        o.minhashBands = minhashBands
        o.minhashRows = minhashRows
        o.minhashNgram = minhashNgram
        o.scrubPII = !noPii
        o.decontaminate = decontaminate
        o.decontaminationNgram = decontaminationNgram
        o.valFraction = valFraction
        o.outputFormat = outputFormat
        o.rowsPerShard = rowsPerShard
        o.keepRejects = keepRejects
        o.strict = strict
        o.maxRecordBytes = maxRecordBytes
        o.threads = try Limits.threads("--threads", threads ?? ProcessInfo.processInfo.activeProcessorCount)
        o.numShards = numShards
        o.shardIndex = shardIndex
        return o
    }

    func run() async throws {
        try await runCLI {
            let o = try options()
            let tok = try CorpusTokenizerSpec.resolve(tokenizer)
            let m = try build(o, tok)
            let dropped = m.dropped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            logStderr("aigc corpus build: records_in=\(m.recordsIn) records_kept=\(m.recordsKept) dropped: \(dropped.isEmpty ? "none" : dropped)")
            for (s, st) in m.splits.sorted(by: { $0.key < $1.key }) {
                logStderr("  \(s): documents=\(st.documents) rows=\(st.rows) tokens=\(st.tokens) trained=\(st.trainedTokens) padding=\(st.paddingTokens)")
            }
        }
    }

    func build<T: CorpusTokenizer>(_ o: CorpusBuildOptions, _ t: T) throws -> DatasetManifest {
        try CorpusBuilder(options: o, tokenizer: t).run()
    }
}

extension InputFormat: ExpressibleByArgument {}
extension ChatTemplate: ExpressibleByArgument {}
extension PackingMode: ExpressibleByArgument {}
extension OverlongPolicy: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
