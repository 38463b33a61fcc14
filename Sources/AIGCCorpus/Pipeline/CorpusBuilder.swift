import AIGCCore
import AIGCFormats
import AIGCText
import Foundation

/// `aigc corpus build`: streams inputs through parse → clean → exact dedup → render/tokenize → near dedup →
/// length rules → split → pack → write, in bounded memory. Per-record work runs on `threads` threads in
/// batches; every order-dependent decision (deduplication, packing, writing) runs in record order, so the output
/// bytes are identical for any thread count.
public final class CorpusBuilder<T: CorpusTokenizer> {
    public let options: CorpusBuildOptions
    public let renderer: DocumentRenderer<T>
    let cleaner: RecordCleaner
    let stage2: RecordRenderer<T>
    let directory: URL

    public init(options: CorpusBuildOptions, tokenizer: T) throws {
        guard !options.inputs.isEmpty else { throw AIGCError.usage("no input files") }
        guard options.seqLen >= 8 else { throw AIGCError.usage("--seq-len must be at least 8") }
        guard options.valFraction >= 0 && options.valFraction <= 1 else { throw AIGCError.usage("--val-fraction must be in [0, 1]") }
        guard options.numShards >= 1, options.shardIndex >= 0, options.shardIndex < options.numShards else {
            throw AIGCError.usage("--shard-index must be in 0..<--num-shards")
        }
        for p in options.inputs where !FileManager.default.isReadableFile(atPath: p) {
            throw AIGCError.io("\(p): no such readable file")
        }
        self.options = options
        renderer = try DocumentRenderer(tokenizer: tokenizer, template: options.template)
        var decon: Decontaminator? = nil
        if !options.decontaminate.isEmpty {
            var d = Decontaminator(n: options.decontaminationNgram)
            for f in options.decontaminate { try d.addFile(f, normalizer: options.normalizer) }
            decon = d
        }
        cleaner = RecordCleaner(
            parser: RecordParser(format: options.inputFormat, textField: options.textField),
            normalizer: options.normalizer, invalidUTF8: options.invalidUTF8,
            checkRoleOrder: options.checkRoleOrder, scrubber: options.scrubPII ? PIIScrubber() : nil,
            decontaminator: decon)
        stage2 = RecordRenderer(options: options, renderer: renderer,
                                minhasher: options.nearDedup ? MinHasher(shingleSize: options.minhashNgram, bands: options.minhashBands, rows: options.minhashRows) : nil)
        directory = URL(fileURLWithPath: options.outputDir)
    }

    /// Makes the output for the options (also used by `merge`).
    static func makeOutput(_ o: CorpusBuildOptions, directory: URL, padID: UInt32, vocabularySize: Int) -> CorpusOutput {
        switch o.outputFormat {
        case .safetensors, .npy:
            return TensorShardOutput(directory: directory, format: o.outputFormat, packing: o.effectivePacking,
                                     seqLen: o.seqLen, padID: padID, rowsPerShard: o.rowsPerShard)
        case .megatron: return MegatronOutput(directory: directory, vocabularySize: vocabularySize)
        case .nanogpt: return NanoGPTOutput(directory: directory, vocabularySize: vocabularySize)
        }
    }

    /// True when this shard owns the record (a stable function of its ordinal).
    @inline(__always) func owns(_ ordinal: UInt64) -> Bool {
        options.numShards == 1 || StableHash.scramble(ordinal ^ 0x5348_4152_4453_0000) % UInt64(options.numShards) == UInt64(options.shardIndex)
    }

    /// Runs the build and writes `manifest.json` last. Returns the manifest.
    @discardableResult
    public func run() throws -> DatasetManifest {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        // A manifest marks a complete output: remove a stale one first so an interrupted rebuild never looks done.
        let manifestURL = directory.appendingPathComponent("manifest.json")
        if fm.fileExists(atPath: manifestURL.path) { try fm.removeItem(at: manifestURL) }
        try Self.removeOldOutputs(in: directory)

        let tok = renderer.tokenizer
        let output = Self.makeOutput(options, directory: directory, padID: renderer.endOfText, vocabularySize: tok.vocabularySize)
        let rejects = options.keepRejects ? try RejectsWriter(url: directory.appendingPathComponent("rejects.jsonl")) : nil
        let log = options.numShards > 1 ? try DocumentLog.Writer(url: directory.appendingPathComponent("documents.log")) : nil
        var dedup = DedupState(exact: options.exactDedup, near: options.nearDedup, bands: options.minhashBands)
        var manifest = DatasetManifest(tokenizer: .init(name: tok.name, sha256: tok.sha256, vocabularySize: tok.vocabularySize))
        manifest.options = options.manifestOptions
        manifest.specialTokens = renderer.specialIDs
        var dropped: [DropReason: Int] = [:]
        var pii: [PIIKind: Int] = [:]
        var truncatedPerSplit: [Split: Int] = [:]
        var kept = 0, recordsIn = 0

        let reader = InputReader(paths: options.inputs, format: options.inputFormat)
        let totalBytes = options.inputs.reduce(0) { $0 + ((try? fm.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let progress = ProgressReporter("corpus build", total: Double(totalBytes), enabled: options.progress)
        let threads = max(1, options.threads)
        let cleaner = self.cleaner

        func reject(_ r: RawRecord, _ batch: RawBatch, _ reason: DropReason, _ message: String) throws {
            dropped[reason, default: 0] += 1
            let source = "\(options.inputs[r.fileIndex]):\(r.line)"
            if options.strict && [.malformedJSON, .schema, .unknownRole, .invalidUTF8].contains(reason) {
                throw AIGCError.input(location: source, message: "\(reason.rawValue): \(message)")
            }
            if let rejects {
                try rejects.append(line: RejectsWriter.line(ordinal: r.ordinal, reason: reason, source: source, message: message,
                                                           record: batch.storage[r.range]))
            }
        }

        while let batch = try reader.nextBatch(maxRecords: options.batchRecords) {
            let mine = options.numShards == 1 ? batch.records : batch.records.filter { owns($0.ordinal) }
            recordsIn += mine.count
            // Stage 1: parse and clean, in parallel.
            let storage = batch.storage
            let stage1: [RecordCleaner.Outcome] = Parallel.map(mine.count, threads: threads) { i in
                storage.withUnsafeBufferPointer { p in cleaner.clean(UnsafeBufferPointer(rebasing: p[mine[i].range])) }
            }
            // Exact dedup, in order.
            var survivors: [(Int, RecordCleaner.Cleaned)] = []
            var early: [Int: (DropReason, String)] = [:]
            for (i, o) in stage1.enumerated() {
                switch o {
                case .dropped(let reason, let message): early[i] = (reason, message)
                case .kept(let c):
                    for (k, v) in c.pii { pii[k, default: 0] += v }
                    if dedup.isExactDuplicate(c.hash) {
                        early[i] = (.exactDuplicate, "same normalized content as an earlier record")
                    } else {
                        survivors.append((i, c))
                    }
                }
            }
            // Stage 2: MinHash, render, tokenize, in parallel.
            let work = survivors
            let stage2 = self.stage2
            let rendered: [RenderedRecord] = Parallel.map(work.count, threads: threads) { k in stage2.render(work[k].1) }
            // Near dedup, length rules, output — in order.
            var s = 0
            for (i, r) in mine.enumerated() {
                if let (reason, message) = early[i] {
                    try reject(r, batch, reason, message)
                    continue
                }
                let c = survivors[s].1
                let rr = rendered[s]
                s += 1
                let split: Split = c.hash.unitInterval < options.valFraction ? .val : .train
                var outcome: Rejection? = nil
                if dedup.isNearDuplicate(rr.bands ?? []) {
                    outcome = Rejection(reason: .nearDuplicate, message: "MinHash-LSH near duplicate of an earlier record")
                } else if let lr = rr.lengthRejection {
                    outcome = lr
                }
                try log?.append(DocumentLogEntry(ordinal: r.ordinal, fileIndex: UInt32(r.fileIndex), line: UInt64(r.line), hash: c.hash,
                                                 dropped: outcome?.reason, split: split, truncated: rr.truncated,
                                                 bands: rr.bands ?? [], document: outcome == nil ? rr.document : nil))
                if let outcome {
                    try reject(r, batch, outcome.reason, outcome.message)
                    continue
                }
                guard let doc = rr.document else { continue }
                try output.add(doc, split: split)
                if rr.truncated { truncatedPerSplit[split, default: 0] += 1 }
                kept += 1
            }
            progress.set(Double(reader.fileBytesRead), note: "\(recordsIn) records")
        }
        progress.finish()

        var files = try output.finish()
        if let rejects { files.append(try rejects.finish()) }
        if let log { files.append(try log.finish()) }
        manifest.recordsIn = recordsIn
        manifest.recordsKept = kept
        manifest.dropped = Dictionary(uniqueKeysWithValues: dropped.map { ($0.key.rawValue, $0.value) })
        manifest.pii = Dictionary(uniqueKeysWithValues: pii.map { ($0.key.rawValue, $0.value) })
        manifest.blankLines = options.shardIndex == 0 ? reader.blankLines : 0
        manifest.inputs = reader.fileHashes.map { .init(path: $0.path, bytes: $0.bytes, sha256: $0.sha256) }
        Self.fill(&manifest, stats: output.stats, truncated: truncatedPerSplit, files: files, directory: directory)
        try manifest.validate()
        try AtomicFile.write(try manifest.encoded(), to: manifestURL)
        return manifest
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
            if isOutput || n == "rejects.jsonl" || n == "documents.log" {
                try fm.removeItem(at: dir.appendingPathComponent(n))
            }
        }
    }
}
