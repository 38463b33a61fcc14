import AIGCCore
import AIGCFormats
import AIGCText
import Foundation

/// `aigc corpus build`: streams inputs through named stages (Stages/): `ReadStage` → `CleanStage` (parse, clean)
/// → `DeduplicateStage` → `MinHashStage`, `RenderStage` (render, tokenize/mask, length rules) → `PackStage` →
/// `WriteStage`, in bounded memory. Per-record work runs on `threads` threads in batches; every order-dependent
/// decision (deduplication, packing, writing) runs in record order, so the output bytes are identical for any
/// thread count.
public final class CorpusBuilder<T: CorpusTokenizer> {
    public let options: CorpusBuildOptions
    public let renderer: DocumentRenderer<T>
    let cleaner: RecordCleaner
    let minhash: MinHashStage
    let render: RenderStage<T>
    let threads: Int
    let directory: URL

    public init(options: CorpusBuildOptions, tokenizer: T) throws {
        guard !options.inputs.isEmpty else { throw AIGCError.usage("no input files") }
        try Limits.check("CorpusBuildOptions.seqLen", options.seqLen, in: 8...(1 << 24))
        try Limits.check("CorpusBuildOptions.rowsPerShard", options.rowsPerShard, in: 1...(1 << 30))
        if options.outputFormat == .safetensors || options.outputFormat == .npy {
            // A shard is assembled in memory: input, label, position and segment ids, 4 bytes each per token.
            try Limits.memory("CorpusBuildOptions.rowsPerShard \(options.rowsPerShard) × CorpusBuildOptions.seqLen \(options.seqLen)",
                              bytes: 16 * Double(options.rowsPerShard) * Double(options.seqLen))
        }
        try Limits.check("CorpusBuildOptions.minTokens", options.minTokens, in: 0...Int.max)
        try Limits.check("CorpusBuildOptions.maxRecordBytes", options.maxRecordBytes, in: 1024...(1 << 31))
        if let m = options.maxTokens { try Limits.check("CorpusBuildOptions.maxTokens", m, in: 1...Int.max) }
        if options.nearDedup {
            try Limits.check("CorpusBuildOptions.minhashNgram", options.minhashNgram, in: 1...64)
            try Limits.check("CorpusBuildOptions.minhashBands", options.minhashBands, in: 1...1024)
            try Limits.check("CorpusBuildOptions.minhashRows", options.minhashRows, in: 1...1024)
            try Limits.check("CorpusBuildOptions.minhashBands × CorpusBuildOptions.minhashRows", options.minhashBands * options.minhashRows, in: 1...4096)
        }
        try Limits.check("CorpusBuildOptions.decontaminationNgram", options.decontaminationNgram, in: 1...64)
        try Limits.check("CorpusBuildOptions.threads", options.threads, in: 1...Int.max)
        try Limits.check("CorpusBuildOptions.keyPartitions", options.keyPartitions, in: 1...4096)
        guard options.valFraction >= 0 && options.valFraction <= 1 else { throw AIGCError.usage("CorpusBuildOptions.valFraction must be in [0, 1]") }
        guard options.numShards >= 1, options.shardIndex >= 0, options.shardIndex < options.numShards else {
            throw AIGCError.usage("CorpusBuildOptions.shardIndex must be in 0..<CorpusBuildOptions.numShards")
        }
        if let ranges = options.inputRanges {
            var seen = Set<Int>()
            for r in ranges {
                guard r.input >= 0 && r.input < options.inputs.count, r.start >= 0, r.start <= r.end else {
                    throw AIGCError.usage("inputRanges: \(r.label) is not a byte range of one of the \(options.inputs.count) inputs")
                }
                guard seen.insert(r.input).inserted else {
                    throw AIGCError.usage("inputRanges: input \(r.input) appears in more than one range")
                }
            }
        }
        for p in options.inputs where !FileManager.default.isReadableFile(atPath: p) {
            throw AIGCError.io("\(p): no such readable file")
        }
        self.options = options
        renderer = try DocumentRenderer(tokenizer: tokenizer, template: options.template)
        var decon: NGramIndex? = nil
        if !options.decontaminate.isEmpty {
            var d = NGramIndex(n: options.decontaminationNgram)
            for f in options.decontaminate { try d.addFile(f, normalizer: options.normalizer) }
            decon = d
        }
        cleaner = RecordCleaner(
            parser: RecordParser(format: options.inputFormat, textField: options.textField),
            normalizer: options.normalizer, invalidUTF8: options.invalidUTF8,
            checkRoleOrder: options.checkRoleOrder, scrubber: options.scrubPII ? PIIScrubber() : nil,
            decontaminator: decon)
        minhash = MinHashStage(options: options)
        render = RenderStage(options: options, renderer: renderer)
        threads = max(1, options.threads)
        directory = URL(fileURLWithPath: options.outputDir)
    }

    /// Makes the output for the options (also used by `merge`).
    static func makeOutput(_ o: CorpusBuildOptions, directory: URL, padID: UInt32, vocabularySize: Int,
                           resume: OutputCheckpoint? = nil) throws -> CorpusOutput {
        switch o.outputFormat {
        case .safetensors, .npy:
            return TensorShardOutput(directory: directory, format: o.outputFormat, packing: o.effectivePacking,
                                     seqLen: o.seqLen, padID: padID, rowsPerShard: o.rowsPerShard, resume: resume,
                                     writeThreads: o.threads)
        case .megatron:
            let out = try MegatronOutput(directory: directory, vocabularySize: vocabularySize, resume: resume)
            out.checkpointBytes = o.checkpointBytes
            return out
        case .nanogpt:
            let out = try NanoGPTOutput(directory: directory, vocabularySize: vocabularySize, resume: resume)
            out.checkpointBytes = o.checkpointBytes
            return out
        }
    }

    /// Test hook: stop (as if killed) right after this many checkpoints.
    package var stopAfterCheckpoints: Int? = nil

    /// Runs the build and writes `manifest.json` last. Resumes from `DIR/.checkpoint.json` when it belongs to the
    /// same build. Returns the manifest.
    ///
    /// Stages (ARCHITECTURE.md, "Data flow"): read → parse, clean → deduplicate (lookahead) → MinHash, render,
    /// tokenize/mask on all threads → pack in record order (one batch behind, on `InOrderQueue`) → write.
    @discardableResult
    public func run() throws -> DatasetManifest {
        // One build per output directory at a time: a second one (other options or not) is refused, not interleaved.
        let lock = try DirectoryLock(directory: directory, what: "aigc corpus build")
        defer { withExtendedLifetime(lock) {} }
        let fingerprint = BuildCheckpoint.fingerprint(options: options.manifestOptions, tokenizerSHA: renderer.tokenizer.sha256,
                                                      inputs: options.inputs)
        let resume = try prepareDirectory(fingerprint: fingerprint)
        let output = try Self.makeOutput(options, directory: directory, padID: renderer.endOfText,
                                         vocabularySize: renderer.tokenizer.vocabularySize, resume: resume?.output)
        let pack = try PackStage(options: options, fingerprint: fingerprint, directory: directory, output: output, resume: resume)
        pack.stopAfterCheckpoints = stopAfterCheckpoints
        let read = ReadStage(options: options, resumeFrom: resume?.nextOrdinal ?? 0)
        var clean = CleanStage(cleaner: cleaner, threads: threads, exactDedup: options.exactDedup,
                               maxRecordBytes: options.maxRecordBytes)
        var lookahead = pack.dedup
        let minhash = self.minhash, render = self.render, threads = self.threads
        let progress = ProgressReporter("corpus build", total: Double(read.totalBytes), enabled: options.progress)
        let inOrder = InOrderQueue()
        var records = 0
        // With more than one thread the next batch is read while this one is processed (`ReadAhead`).
        let ahead = threads > 1 ? ReadAhead(read) : nil
        defer { ahead?.finish() }
        var bytesRead = 0  // read.bytesRead when the batch was read (the reader may be reading the next one now)
        func nextBatch() throws -> ReadStage.Batch? {
            guard let ahead else {
                let batch = try read.next(skipped: { progress.set(Double(read.bytesRead)) })
                bytesRead = read.bytesRead
                return batch
            }
            guard let item = try ahead.next() else { return nil }
            bytesRead = item.bytesRead
            return item.batch
        }
        while !inOrder.failed, let batch = try nextBatch() {
            records += batch.owned.count
            let cleaned = try clean.run(batch)
            let survivors = try lookahead.survivors(cleaned)
            let rendered: [RenderedRecord] = Parallel.map(survivors.count, threads: threads) { k in
                render.render(survivors[k], bands: minhash.bands(survivors[k]))
            }
            inOrder.submit { try pack.consume(batch, cleaned, rendered) }
            progress.set(Double(bytesRead), note: "\(records) records")
        }
        ahead?.finish()
        try inOrder.drain()
        progress.finish()
        return try WriteStage(options: options, directory: directory, renderer: renderer).finish(pack, read: read)
    }

    /// Makes the output directory ready: a stale manifest removed (an interrupted rebuild never looks done), and
    /// either the checkpoint of an interrupted build with the same fingerprint (files written after it removed)
    /// or a clean start (earlier outputs removed). Temporary files a killed run left behind are removed too.
    private func prepareDirectory(fingerprint: String) throws -> BuildCheckpoint? {
        let fm = FileManager.default
        let manifestURL = CorpusLayout.manifestURL(in: directory)
        if fm.fileExists(atPath: manifestURL.path) { try fm.removeItem(at: manifestURL) }
        var resume = BuildCheckpoint.load(from: directory)
        if let r = resume, r.fingerprint != fingerprint {
            // Never resumed: its files were made with other options, tokenizer or inputs. Start over instead.
            logStderr("aigc corpus build: \(directory.path) holds an interrupted build with other options, tokenizer or inputs; starting over (its partial outputs are removed)")
            resume = nil
        }
        if resume == nil { try Self.removeOldOutputs(in: directory) }
        // Temporary files of shard writes a killed run left behind (AtomicFileWriter's `.NAME.PID.RAND.tmp`).
        for n in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where n.hasPrefix(".") && n.hasSuffix(".tmp") {
            try? fm.removeItem(at: directory.appendingPathComponent(n))
        }
        if let r = resume {
            // Shard files written after the checkpoint are rewritten (identically) by the resumed run.
            let keep = Set(r.output.files.map(\.path))
            for n in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where
                (n.hasSuffix(".safetensors") || n.hasSuffix(".npy")) && !keep.contains(n) {
                try fm.removeItem(at: directory.appendingPathComponent(n))
            }
            logStderr("aigc corpus build: resuming at record \(r.nextOrdinal) (\(r.output.files.count) files already complete)")
        }
        return resume
    }

    static func fill(_ m: inout DatasetManifest, stats: [Split: DatasetManifest.SplitStats], truncated: [Split: Int],
                     files: [WrittenFile], directory: URL) {
        var splits: [String: DatasetManifest.SplitStats] = [:]
        var tokens = 0, trained = 0
        for (s, st) in stats {
            var x = st
            x.truncatedDocuments = truncated[s, default: 0]
            splits[s.rawValue] = x
            tokens += st.tokens
            trained += st.trainedTokens
        }
        m.splits = splits
        m.trainedTokenFraction = tokens == 0 ? 0 : Double(trained) / Double(tokens)
        m.files = files.map { .init(path: $0.url.lastPathComponent, bytes: $0.bytes, sha256: $0.sha256) }
            .sorted { $0.path < $1.path }
    }

    /// Removes files an earlier build wrote in `dir` (by the names builds use), so no stale shard survives a
    /// rebuild that writes fewer shards.
    static func removeOldOutputs(in dir: URL) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { return }
        for n in names {
            let isOutput = (n.hasPrefix("train") || n.hasPrefix("val")) &&
                (n.hasSuffix(".safetensors") || n.hasSuffix(".npy") || n.hasSuffix(".bin") || n.hasSuffix(".idx"))
            if isOutput || n == "rejects.jsonl" || n == "documents.log" || n == ".checkpoint.json" || n.hasSuffix(".partial") {
                try fm.removeItem(at: dir.appendingPathComponent(n))
            }
            // A shard's dedup key files (`DedupKeyLog`), finished or partial.
            if n == "keys", let parts = try? fm.contentsOfDirectory(atPath: dir.appendingPathComponent(n).path) {
                for p in parts where p.hasPrefix("part-") || p.hasPrefix(".part-") {
                    try fm.removeItem(at: dir.appendingPathComponent(n).appendingPathComponent(p))
                }
            }
        }
    }
}
