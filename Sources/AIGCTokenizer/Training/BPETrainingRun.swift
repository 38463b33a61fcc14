import AIGCCore
import AIGCText
import Foundation

/// One training run: the trained vocabulary plus what `training.json` records about how it was made.
public struct BPETrainingRun: Sendable {
    public var trained: TrainedBPE
    public var options: BPETrainer
    /// The input files with their size and SHA-256 (hashed while the merges were learned).
    public var inputs: [BPETrainingInput]
    public var stats: PreTokenCountingStats
    public var distinctPreTokens: Int
    public var totalPreTokens: UInt64
    public var countingSeconds: Double
    public var mergingSeconds: Double
    /// Recorded in `training.json` (e.g. "gpt2", "cl100k", or "custom").
    public var patternName: String = "gpt2"

    /// Writes `tokenizer.json`, `tokenizer.tiktoken` and `training.json` into `directory` (created if needed),
    /// each atomically. `training.json` lists every input with its size and SHA-256, the options, the counts
    /// and the timings (the only part that differs between identical runs).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = try trained.tokenizerJSON()
        let jsonWriter = try AtomicFileWriter(url: directory.appendingPathComponent("tokenizer.json"))
        try jsonWriter.write(Data(json.utf8))
        let tiktokenWriter = try AtomicFileWriter(url: directory.appendingPathComponent("tokenizer.tiktoken"))
        try tiktokenWriter.write(Data(trained.tiktoken().utf8))
        try jsonWriter.commit()
        try tiktokenWriter.commit()
        let report = try trainingJSON(outputs: [("tokenizer.json", jsonWriter.sha256), ("tokenizer.tiktoken", tiktokenWriter.sha256)])
        try AtomicFile.write(report, to: directory.appendingPathComponent("training.json"))
    }

    /// The `training.json` text.
    public func trainingJSON(outputs: [(String, String)]) throws -> String {
        let q = JSONText.quote
        var o = "{\n  \"aigc_version\": \(q(AIGCVersion.string)),\n  \"inputs\": ["
        for (i, f) in inputs.enumerated() {
            o += (i == 0 ? "\n" : ",\n") + "    {\"path\": \(q(f.path)), \"bytes\": \(f.bytes), \"sha256\": \(q(f.sha256))}"
        }
        o += "\n  ],\n  \"options\": {\n"
        o += "    \"vocab_size\": \(options.vocabSize),\n"
        o += "    \"pattern\": \(q(patternName)),\n"
        o += "    \"pattern_regex\": \(trained.splitRegex.map(q) ?? "null"),\n"
        o += "    \"min_frequency\": \(options.minFrequency),\n"
        o += "    \"max_token_length\": \(options.maxTokenLength.map(String.init) ?? "null"),\n"
        o += "    \"special_tokens\": [\(options.specialTokens.map(q).joined(separator: ", "))],\n"
        o += "    \"normalizer\": \(options.normalizer == nil ? "null" : try normalizerJSON()),\n"
        o += "    \"invalid\": \(q(options.invalidLines.rawValue)),\n"
        o += "    \"threads\": \(options.threads)\n  },\n"
        let r = trained.result
        o += "  \"counts\": {\n"
        o += "    \"bytes\": \(stats.bytes),\n    \"lines\": \(stats.lines),\n"
        o += "    \"invalid_lines_skipped\": \(stats.invalidLinesSkipped),\n"
        o += "    \"pre_tokens\": \(totalPreTokens),\n    \"distinct_pre_tokens\": \(distinctPreTokens),\n"
        o += "    \"merges\": \(r.merges.count),\n    \"merge_steps\": \(r.mergeSteps),\n"
        o += "    \"vocab_size\": \(r.tokens.count),\n    \"special_tokens\": \(trained.specialTokens.count),\n"
        o += "    \"last_merge_count\": \(r.stepCounts.last.map(String.init) ?? "null")\n  },\n"
        o += "  \"special_token_ids\": {" + trained.specialTokens.enumerated().map { "\(q($0.element)): \(trained.specialTokenID($0.offset))" }.joined(separator: ", ") + "},\n"
        o += "  \"outputs\": {" + outputs.map { "\(q($0.0)): \(q($0.1))" }.joined(separator: ", ") + "},\n"
        o += "  \"seconds\": {\"counting\": \(String(format: "%.3f", countingSeconds)), \"merging\": \(String(format: "%.3f", mergingSeconds))}\n}\n"
        return o
    }

    private func normalizerJSON() throws -> String {
        guard let n = options.normalizer,
              let data = try? JSONSerialization.data(withJSONObject: n.jsonObject(), options: [.sortedKeys, .withoutEscapingSlashes]),
              let s = String(data: data, encoding: .utf8) else { return "null" }
        return s
    }

    /// Size and SHA-256 of a file, streamed.
    static func hashFile(_ path: String) throws -> (Int, String) {
        let h = try InputFile(path: path)
        var sha = SHA256()
        var size = 0
        while true {
            let d = try h.read(upTo: 4 << 20)
            if d.isEmpty { break }
            size += d.count
            d.withUnsafeBytes { sha.update(buffer: $0) }
        }
        return (size, sha.finalizeHex())
    }
}

