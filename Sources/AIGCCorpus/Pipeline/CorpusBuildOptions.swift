import AIGCText

/// Every knob of a corpus build. Recorded in the manifest (`options`) so a run can be reproduced.
public struct CorpusBuildOptions: Sendable {
    public var inputs: [String]
    public var inputFormat: InputFormat
    public var textField = "text"
    public var normalizer = CorpusBuildOptions.defaultNormalizer
    /// Where `normalizer` came from (a config path, or "default").
    public var normalizerSource = "default"
    /// Records with invalid UTF-8: skipped (counted as `invalid_utf8`, the default), kept with U+FFFD, or the build
    /// stops at the first one.
    public var invalidUTF8 = InvalidUTF8Policy.skip
    public var template = ChatTemplate.chatml
    /// nil: `pack` for dialogue formats, `concat` for `jsonl`/`text`.
    public var packing: PackingMode?
    public var seqLen = 2048
    public var overlong = OverlongPolicy.truncate
    public var minTokens = 0
    public var maxTokens: Int?
    public var trainOnPrompt = false
    public var checkRoleOrder = true
    public var exactDedup = true
    public var nearDedup = true
    public var minhashBands = 14
    public var minhashRows = 8
    public var minhashNgram = 5
    public var scrubPII = true
    public var decontaminate: [String] = []
    public var decontaminationNgram = 13
    public var valFraction = 0.01
    public var outputDir: String
    public var outputFormat = OutputFormat.safetensors
    public var rowsPerShard = 4096
    public var keepRejects = false
    public var strict = false
    /// Records (a JSONL line, a JSON array element, a text file) over this many bytes are dropped as
    /// `record_too_large` without being held in memory.
    public var maxRecordBytes = CorpusBuildOptions.defaultMaxRecordBytes
    public static let defaultMaxRecordBytes = 8 << 20
    public var threads = 1
    public var numShards = 1
    public var shardIndex = 0
    /// A task of a corpus plan: read only these byte ranges of `inputs` (in order) and own every record in them;
    /// `numShards`/`shardIndex` are then the plan's task count and this task's index. nil: read every input whole.
    public var inputRanges: [InputRange]?
    /// Shards and plan tasks write their dedup keys split into this many files (`DedupKeyLog`), so that partition I
    /// of `merge --partitions P` reads only the files ≡ I (mod P): choose a multiple of the P you will run.
    public var keyPartitions = CorpusBuildOptions.defaultKeyPartitions
    public static let defaultKeyPartitions = 64
    /// A shard or plan task (keeps `documents.log` and the key files for `aigc corpus merge`).
    public var isShardOrTask: Bool { numShards > 1 || inputRanges != nil }
    /// Records per processing batch (a determinism-neutral knob: outputs do not depend on it).
    public var batchRecords = 2048
    public var progress: Bool? = nil
    /// Megatron/nanoGPT outputs checkpoint after this many bytes (row formats: after every shard file).
    public var checkpointBytes = 64 << 20

    /// NFC, newline rules, control-character removal (the foundation's default pipeline for corpora).
    public static let defaultNormalizer = TextNormalizer(steps: [.newlines, .removeControl, .form(.nfc)])

    public init(inputs: [String], inputFormat: InputFormat, outputDir: String) {
        self.inputs = inputs
        self.inputFormat = inputFormat
        self.outputDir = outputDir
    }

    public var effectivePacking: PackingMode { packing ?? (inputFormat.isDialogue ? .pack : .concat) }

    /// The options as manifest strings (everything that changes the output; not threads or batch size). The
    /// invalid-UTF-8 policy `skip` is recorded as "drop", the name manifests have always used.
    public var manifestOptions: [String: String] {
        var o: [String: String] = [
            "input_format": inputFormat.rawValue, "text_field": textField, "normalize": normalizerSource,
            "invalid_utf8": invalidUTF8 == .skip ? "drop" : invalidUTF8.rawValue, "template": template.rawValue, "packing": effectivePacking.rawValue,
            "seq_len": String(seqLen), "overlong": overlong.rawValue, "min_tokens": String(minTokens),
            "max_tokens": maxTokens.map(String.init) ?? "none", "train_on_prompt": String(trainOnPrompt),
            "role_order": String(checkRoleOrder), "exact_dedup": String(exactDedup), "near_dedup": String(nearDedup),
            "minhash_ngram": String(minhashNgram), "minhash_bands": String(minhashBands), "minhash_rows": String(minhashRows),
            "pii": String(scrubPII),
            "decontaminate": decontaminate.joined(separator: ","), "decontamination_ngram": String(decontaminationNgram),
            "val_fraction": String(valFraction), "output_format": outputFormat.rawValue,
            "rows_per_shard": String(rowsPerShard), "num_shards": String(numShards), "shard_index": String(shardIndex),
        ]
        o["max_record_bytes"] = String(maxRecordBytes)
        if let inputRanges { o["input_ranges"] = inputRanges.map(\.label).joined(separator: ",") }
        if isShardOrTask { o["key_partitions"] = String(keyPartitions) }
        return o
    }
}
