import AIGCCore
import ArgumentParser
import AIGC
import Foundation

/// The options of `aigc corpus build`, shared with `aigc corpus plan` (which records them in the plan).
struct CorpusBuildArguments: ParsableArguments {
    @Option(help: "Input format: openai, sharegpt, alpaca, dailydialog, jsonl, text.")
    var inputFormat: InputFormat?
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
    @Option(name: .shortAndLong, help: "Output directory (corpus plan: the directory the tasks write under).")
    var output: String?
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
    @Option(help: "Split the records into N stable shards and process only --shard-index (corpus plan: the number of tasks).")
    var numShards = 1
    @Option(help: "Which shard to process (0-based).")
    var shardIndex = 0
    @Option(help: "Shards and plan tasks write their dedup keys split into this many files (keys/part-*), so that `corpus merge --partitions P --partition I` reads only the files ≡ I mod P: use a multiple of P (1…4096).")
    var keyPartitions = CorpusBuildOptions.defaultKeyPartitions
    @Argument(help: "Input files (.gz allowed).")
    var files: [String] = []

    func options() throws -> CorpusBuildOptions {
        guard let inputFormat else { throw ValidationError("Missing expected argument '--input-format <input-format>'") }
        guard let output else { throw ValidationError("Missing expected argument '--output <output>'") }
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
        o.threads = try Limits.threads("--threads", threads ?? Limits.cores)
        o.numShards = numShards
        o.shardIndex = shardIndex
        try Limits.check("--key-partitions", keyPartitions, in: 1...4096)
        o.keyPartitions = keyPartitions
        return o
    }

    /// The flags given besides --threads (a plan task takes every other option from its plan).
    var givenBesidesThreads: [String] {
        var g: [String] = []
        func check(_ given: Bool, _ flag: String) { if given { g.append(flag) } }
        check(inputFormat != nil, "--input-format"); check(textField != "text", "--text-field"); check(normalize != nil, "--normalize")
        check(invalidUtf8 != .skip, "--invalid-utf8"); check(tokenizer != "cl100k_base", "--tokenizer"); check(template != .chatml, "--template")
        check(packing != nil, "--packing"); check(seqLen != 2048, "--seq-len"); check(overlong != .truncate, "--overlong")
        check(minTokens != 0, "--min-tokens"); check(maxTokens != nil, "--max-tokens"); check(trainOnPrompt, "--train-on-prompt")
        check(noRoleCheck, "--no-role-check"); check(noDedup, "--no-dedup"); check(noNearDedup, "--no-near-dedup")
        check(minhashBands != 14, "--minhash-bands"); check(minhashRows != 8, "--minhash-rows"); check(minhashNgram != 5, "--minhash-ngram")
        check(noPii, "--no-pii"); check(!decontaminate.isEmpty, "--decontaminate"); check(decontaminationNgram != 13, "--decontamination-ngram")
        check(valFraction != 0.01, "--val-fraction"); check(output != nil, "--output"); check(outputFormat != .safetensors, "--output-format")
        check(rowsPerShard != 4096, "--rows-per-shard"); check(keepRejects, "--keep-rejects"); check(strict, "--strict")
        check(maxRecordBytes != CorpusBuildOptions.defaultMaxRecordBytes, "--max-record-bytes")
        check(numShards != 1, "--num-shards"); check(shardIndex != 0, "--shard-index"); check(keyPartitions != CorpusBuildOptions.defaultKeyPartitions, "--key-partitions"); check(!files.isEmpty, "input files")
        return g
    }
}
