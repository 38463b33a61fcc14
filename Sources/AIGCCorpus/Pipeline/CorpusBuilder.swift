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
    static func makeOutput(_ o: CorpusBuildOptions, directory: URL, padID: UInt32, vocabularySize: Int,
                           resume: OutputCheckpoint? = nil) throws -> CorpusOutput {
        switch o.outputFormat {
        case .safetensors, .npy:
            return TensorShardOutput(directory: directory, format: o.outputFormat, packing: o.effectivePacking,
                                     seqLen: o.seqLen, padID: padID, rowsPerShard: o.rowsPerShard, resume: resume)
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

    /// True when this shard owns the record (a stable function of its ordinal).
    @inline(__always) func owns(_ ordinal: UInt64) -> Bool {
        options.inputRanges != nil || options.numShards == 1 || StableHash.scramble(ordinal ^ 0x5348_4152_4453_0000) % UInt64(options.numShards) == UInt64(options.shardIndex)
    }

    /// Runs the build and writes `manifest.json` last. Resumes from `DIR/.checkpoint.json` when it belongs to the
    /// same build. Returns the manifest.
    @discardableResult
    public func run() throws -> DatasetManifest {
        let fm = FileManager.default
        // One build per output directory at a time: a second one (other options or not) is refused, not interleaved.
        let lock = try DirectoryLock(directory: directory, what: "aigc corpus build")
        defer { withExtendedLifetime(lock) {} }
        // A manifest marks a complete output: remove a stale one first so an interrupted rebuild never looks done.
        let manifestURL = CorpusLayout.manifestURL(in: directory)
        if fm.fileExists(atPath: manifestURL.path) { try fm.removeItem(at: manifestURL) }
        let tok = renderer.tokenizer
        let fingerprint = BuildCheckpoint.fingerprint(options: options.manifestOptions, tokenizerSHA: tok.sha256, inputs: options.inputs)
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
        }

        let output = try Self.makeOutput(options, directory: directory, padID: renderer.endOfText,
                                         vocabularySize: tok.vocabularySize, resume: resume?.output)
        let rejects = options.keepRejects ? try RejectsWriter(url: directory.appendingPathComponent("rejects.jsonl"), resumeAt: resume?.rejectsLength) : nil
        // Shards and plan tasks write the replay log `merge` needs; a whole build keeps only a dedup journal.
        let sharded = options.numShards > 1 || options.inputRanges != nil
        let journal = try DocumentLog.Writer(url: directory.appendingPathComponent(sharded ? "documents.log" : "dedup.journal"),
                                             includeDocuments: sharded, resumeAt: resume?.journalLength)
        var dedup = DedupState(exact: options.exactDedup, near: options.nearDedup, bands: options.minhashBands)
        var resumeFrom: UInt64 = 0
        if resume != nil {
            // Replay the journal (cut back to the checkpoint) to restore exact and near dedup state.
            let reader = try DocumentLog.Reader(url: journal.partialURL, includesDocuments: sharded)
            while let e = try reader.next() {
                _ = dedup.isExactDuplicate(e.hash)
                _ = dedup.isNearDuplicate(e.bands)
            }
        }
        let state = BuildState(options: options, fingerprint: fingerprint, directory: directory, output: output,
                               rejects: rejects, journal: journal, dedup: dedup)
        state.stopAfterCheckpoints = stopAfterCheckpoints
        if let r = resume {
            resumeFrom = r.nextOrdinal
            state.recordsIn = r.recordsIn
            state.kept = r.kept
            for (k, v) in r.dropped { if let d = DropReason(rawValue: k) { state.dropped[d] = v } }
            for (k, v) in r.pii { if let d = PIIKind(rawValue: k) { state.pii[d] = v } }
            for (k, v) in r.truncated { if let d = Split(rawValue: k) { state.truncatedPerSplit[d] = v } }
            logStderr("aigc corpus build: resuming at record \(resumeFrom) (\(r.output.files.count) files already complete)")
        }
        var manifest = DatasetManifest(tokenizer: .init(name: tok.name, sha256: tok.sha256, vocabularySize: tok.vocabularySize))
        manifest.options = options.manifestOptions
        manifest.specialTokens = renderer.specialIDs
        if options.outputFormat == .nanogpt {
            manifest.tokenDType = NanoGPTBinWriter.needsWide(vocabularySize: tok.vocabularySize) ? "uint32" : "uint16"
        }

        let reader = InputReader(paths: options.inputs, format: options.inputFormat, ranges: options.inputRanges,
                                 maxRecordBytes: options.maxRecordBytes)
        let totalBytes = options.inputRanges.map { $0.reduce(0) { $0 + $1.count } }
            ?? options.inputs.reduce(0) { $0 + ((try? fm.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let progress = ProgressReporter("corpus build", total: Double(totalBytes), enabled: options.progress)
        let threads = max(1, options.threads)
        let cleaner = self.cleaner
        let stage2 = self.stage2
        // The order-dependent stage runs on its own serial queue, one batch behind the parallel stages; at most two
        // batches are in flight (bounded memory). Exact dedup is also tracked here, ahead of it, to skip
        // tokenizing duplicates: the same decisions in the same order, so both agree.
        var lookahead = dedup
        var rawSeen: [RawKey: RawVerdict] = [:]
        // A record whose raw bytes repeat an earlier one's gets that verdict without being cleaned again — except a
        // repeat of a kept record when exact dedup is off: it is not a duplicate then, but a record of its own.
        let exactDedup = options.exactDedup
        func reusable(_ v: RawVerdict) -> Bool {
            if exactDedup { return true }
            if case .dropped = v { return true }
            return false
        }
        let sequential = DispatchQueue(label: "aigc.corpus.sequential")
        let slots = DispatchSemaphore(value: 2)
        let failure = FailureBox()
        var records = 0

        while let batch = try reader.nextBatch(maxRecords: options.batchRecords) {
            if failure.error != nil { break }
            let mine = batch.records.filter { $0.ordinal >= resumeFrom && owns($0.ordinal) }
            if mine.isEmpty { progress.set(Double(reader.fileBytesRead)); continue }
            records += mine.count
            // Records whose raw bytes repeat an earlier record's get that record's verdict without re-parsing
            // (repeated lines are the commonest duplicates in real corpora); the rest are cleaned in parallel.
            let storage = batch.storage
            let keys: [RawKey] = Parallel.map(mine.count, threads: threads) { i in
                storage.withUnsafeBufferPointer { p in RawKey(UnsafeBufferPointer(rebasing: p[mine[i].range])) }
            }
            var firstInBatch: [RawKey: Int] = [:]
            var pending: [Int] = []
            var sameAs = [Int](repeating: -1, count: mine.count)
            for i in mine.indices {
                if mine[i].oversize > 0 { continue }
                if let v = rawSeen[keys[i]], reusable(v) { continue }
                if let j = firstInBatch[keys[i]] { sameAs[i] = j; continue }
                firstInBatch[keys[i]] = i
                pending.append(i)
            }
            let work1 = pending
            let cleaned: [RecordCleaner.Outcome] = Parallel.map(work1.count, threads: threads) { k in
                storage.withUnsafeBufferPointer { p in cleaner.clean(UnsafeBufferPointer(rebasing: p[mine[work1[k]].range])) }
            }
            var byIndex: [Int: RecordCleaner.Outcome] = [:]
            byIndex.reserveCapacity(pending.count)
            for (k, i) in pending.enumerated() { byIndex[i] = cleaned[k] }
            var stage1: [StageOneResult] = []
            stage1.reserveCapacity(mine.count)
            for i in mine.indices {
                let verdict: RawVerdict
                if mine[i].oversize > 0 {
                    stage1.append(.cleaned(.dropped(.recordTooLarge, mine[i].oversizeMessage(limit: options.maxRecordBytes))))
                    continue
                }
                if let v = rawSeen[keys[i]], reusable(v) {
                    verdict = v
                } else if let o = byIndex[sameAs[i] >= 0 ? sameAs[i] : i] {
                    switch o {
                    case .kept(let c): verdict = .kept(c.hash, c.pii)
                    case .dropped(let r, let m): verdict = .dropped(r, m)
                    }
                    if sameAs[i] < 0 { rawSeen[keys[i]] = verdict }
                    if sameAs[i] < 0 || !reusable(verdict) {
                        stage1.append(.cleaned(o))
                        continue
                    }
                } else {
                    throw AIGCError.io("internal: no stage-1 verdict for record \(mine[i].ordinal)")
                }
                switch verdict {
                case .kept(let h, let pii): stage1.append(.rawDuplicate(h, pii))
                case .dropped(let r, let m): stage1.append(.cleaned(.dropped(r, m)))
                }
            }
            var survivors: [RecordCleaner.Cleaned] = []
            for o in stage1 {
                switch o {
                case .cleaned(.kept(let c)): if !lookahead.isExactDuplicate(c.hash) { survivors.append(c) }
                case .rawDuplicate(let h, _):
                    if !lookahead.isExactDuplicate(h) { throw AIGCError.io("internal: raw duplicate with an unseen content hash") }
                default: break
                }
            }
            // Stage 2: MinHash, render, tokenize, in parallel.
            let work = survivors
            let rendered: [RenderedRecord] = Parallel.map(work.count, threads: threads) { k in stage2.render(work[k]) }
            let results = stage1
            slots.wait()
            sequential.async {
                defer { slots.signal() }
                guard failure.error == nil else { return }
                do { try state.consume(mine, batch, results, rendered) } catch { failure.set(error) }
            }
            progress.set(Double(reader.fileBytesRead), note: "\(records) records")
        }
        sequential.sync {}
        if let error = failure.error { throw error }
        progress.finish()
        let dropped = state.dropped, pii = state.pii, kept = state.kept, recordsIn = state.recordsIn
        let truncatedPerSplit = state.truncatedPerSplit

        var files = try output.finish()
        if let rejects { files.append(try rejects.finish()) }
        if sharded { files.append(try journal.finish()) } else { try journal.discard() }
        manifest.recordsIn = recordsIn
        manifest.recordsKept = kept
        manifest.dropped = Dictionary(uniqueKeysWithValues: dropped.map { ($0.key.rawValue, $0.value) })
        manifest.pii = Dictionary(uniqueKeysWithValues: pii.map { ($0.key.rawValue, $0.value) })
        // Hash shards all read every input: only shard 0 counts blank lines. Plan tasks count their own ranges'.
        manifest.blankLines = options.inputRanges != nil || options.shardIndex == 0 ? reader.blankLines : 0
        manifest.inputs = reader.fileHashes.map { .init(path: $0.path, bytes: $0.bytes, sha256: $0.sha256) }
        if let ranges = options.inputRanges {
            guard reader.rangeCounts.count == ranges.count else {
                throw AIGCError.io("internal: read \(reader.rangeCounts.count) of \(ranges.count) input ranges")
            }
            manifest.inputRanges = zip(ranges, reader.rangeCounts).map {
                .init(input: $0.input, start: $0.start, end: $0.end, lines: $1.lines, records: $1.records)
            }
        }
        Self.fill(&manifest, stats: output.stats, truncated: truncatedPerSplit, files: files, directory: directory)
        try manifest.validate()
        // A pre-tokenizer regex that gave up (time or stack limit) left ids incomplete: no manifest, no "done".
        try renderer.tokenizer.checkPreTokenizer()
        try AtomicFile.write(try manifest.encoded(), to: manifestURL)
        try? fm.removeItem(at: BuildCheckpoint.url(in: directory))
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
            if isOutput || n == "rejects.jsonl" || n == "documents.log" || n == ".checkpoint.json" || n.hasSuffix(".partial") {
                try fm.removeItem(at: dir.appendingPathComponent(n))
            }
        }
    }
}
