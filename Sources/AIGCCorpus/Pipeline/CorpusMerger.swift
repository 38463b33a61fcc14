import AIGCCore
import AIGCFormats
import Foundation

/// `aigc corpus merge`: combines the outputs of `--num-shards N` runs into the output a single run would have
/// made, byte for byte. Each shard's `documents.log` holds, in record order, every record that reached
/// deduplication; the merger walks all logs in global record order, replays exact and near deduplication
/// (a shard can only under-drop: its "earlier records" are a subset of the global ones), re-packs kept documents
/// with the same options, and adds up the shards' counts, moving records re-classified as duplicates.
public struct CorpusMerger {
    public let inputs: [URL]
    public let output: URL
    /// Deduplication state allowed per distinct record, in bytes (≥ 32): the LSH bands are processed in as many
    /// passes over the logs as this needs (at 64: exact dedup and 4 bands, then 6, then 4 of the default 14).
    public var stateBytesPerRecord = 64
    /// The files of a partitioned deduplication (`dedupPartition`, one per partition): `run()` then takes every
    /// duplicate decision from them and only re-packs.
    public var partitionedDedup: [URL]?

    public init(inputs: [URL], output: URL) {
        self.inputs = inputs
        self.output = output
    }

    @discardableResult
    public func run() throws -> DatasetManifest { try runMeasured().manifest }

    /// `run()`, also returning the largest deduplication state one pass held (bytes) and the log entries merged.
    public func runMeasured() throws -> (manifest: DatasetManifest, peakStateBytes: Int, entries: Int) {
        guard !inputs.isEmpty else { throw AIGCError.usage("merge: no shard directories") }
        try Limits.check("stateBytesPerRecord", stateBytesPerRecord, in: 32...1 << 20)
        var peakStateBytes = 0
        let shards = try shardSet()
        let manifests = shards.manifests, first = manifests[0], planTasks = shards.planTasks
        let ordered = shards.ordered, numbering = shards.numbering
        let o = first.options
        func opt(_ k: String) throws -> String {
            guard let v = o[k] else { throw AIGCError.input(location: CorpusLayout.manifestFileName, message: "missing option \(k)") }
            return v
        }
        guard let format = OutputFormat(rawValue: try opt("output_format")),
              let packing = PackingMode(rawValue: try opt("packing")),
              let seqLen = Int(try opt("seq_len")), let rows = Int(try opt("rows_per_shard")),
              let bands = Int(try opt("minhash_bands"))
        else { throw AIGCError.input(location: CorpusLayout.manifestFileName, message: "unreadable options") }
        guard let eot = first.specialTokens[ChatTemplate.endOfText] else {
            throw AIGCError.input(location: CorpusLayout.manifestFileName, message: "no end-of-text special token recorded")
        }

        let fm = FileManager.default
        if inputs.contains(where: { $0.standardizedFileURL == output.standardizedFileURL }) {
            throw AIGCError.usage("merge: CorpusMerger.output must not be one of the shard directories")
        }
        try fm.createDirectory(at: output, withIntermediateDirectories: true)
        let manifestURL = CorpusLayout.manifestURL(in: output)
        if fm.fileExists(atPath: manifestURL.path) { try fm.removeItem(at: manifestURL) }
        try CorpusBuilder<ByteLevelTokenizer>.removeOldOutputs(in: output)

        var buildOptions = CorpusBuildOptions(inputs: [], inputFormat: InputFormat(rawValue: o["input_format"] ?? "") ?? .openai, outputDir: output.path)
        buildOptions.outputFormat = format
        buildOptions.packing = packing
        buildOptions.seqLen = seqLen
        buildOptions.rowsPerShard = rows
        let sink = try CorpusBuilder<ByteLevelTokenizer>.makeOutput(buildOptions, directory: output, padID: eot, vocabularySize: first.tokenizer.vocabularySize)

        var recordsIn = 0, kept = 0, blank = 0
        var dropped: [String: Int] = [:]
        var pii: [String: Int] = [:]
        for m in manifests {
            recordsIn += m.recordsIn; kept += m.recordsKept; blank += m.blankLines
            for (k, v) in m.dropped { dropped[k, default: 0] += v }
            for (k, v) in m.pii { pii[k, default: 0] += v }
        }

        let keepRejects = ordered.allSatisfy { fm.fileExists(atPath: $0.1.appendingPathComponent("rejects.jsonl").path) }
        let rejectsOut = keepRejects ? try RejectsWriter(url: output.appendingPathComponent("rejects.jsonl")) : nil
        let rejectReaders = keepRejects ? try ordered.enumerated().map { k, t in
            try RejectLineReader(url: t.1.appendingPathComponent("rejects.jsonl"), numbering: numbering?[k])
        } : []
        var suppressed = Set<UInt64>()
        func flushRejects(before limit: UInt64) throws {
            guard let rejectsOut else { return }
            while true {
                var best: Int? = nil
                for (k, r) in rejectReaders.enumerated() {
                    if let o = r.peekOrdinal, o < limit, best == nil || o < rejectReaders[best!].peekOrdinal! { best = k }
                }
                guard let b = best, let (ord, line) = try rejectReaders[b].take() else { return }
                if suppressed.remove(ord) == nil { try rejectsOut.append(line: line) }
            }
        }

        let logURLs = ordered.map { $0.1.appendingPathComponent("documents.log") }
        var truncated: [Split: Int] = [:]
        var sources = first.inputs.map(\.path)
        if planTasks {
            // Task manifests list one input entry per range read; the plan's input index names the file.
            var byIndex: [Int: String] = [:]
            for m in manifests { for (r, f) in zip(m.inputRanges ?? [], m.inputs) { byIndex[r.input] = f.path } }
            sources = (0..<((byIndex.keys.max() ?? -1) + 1)).map { byIndex[$0] ?? "input \($0)" }
        }

        // Deduplication in passes over the logs (in global record order), so that the state per distinct record
        // stays within `stateBytesPerRecord`: a counting pass sizes the tables, then exact dedup and the first
        // LSH bands, then the remaining bands a group at a time; the last pass also re-packs. Band decisions are
        // independent of each other (every record that is not an exact duplicate registers all its band keys), so
        // a record is a near duplicate when any pass says so: the same decisions as one pass with every band.
        let exactOn = o["exact_dedup"] == "true", nearOn = o["near_dedup"] == "true"
        // Partitioned: every decision comes from the partition files, by ordinal; one pass re-packs.
        let partitions = try partitionedDedup.map { try DedupPartitionFile.Reader(urls: $0, records: recordsIn) }
        var entries = 0
        if partitions == nil {
            let counter = try EntryStream(logURLs, numbering: numbering, documents: false)
            while try counter.next() != nil { entries += 1 }
        }
        let groups = nearOn && partitions == nil ? Self.bandGroups(bands: bands, exact: exactOn, budget: stateBytesPerRecord) : [[]]
        var exactDup = BitSet(count: entries), nearDup = BitSet(count: entries)
        for (p, group) in groups.enumerated() {
            let last = p == groups.count - 1
            var exact = p == 0 && exactOn && partitions == nil ? CompactKeySet(words: 2, expected: entries) : nil
            var tables = group.map { _ in CompactKeySet(words: 1, expected: entries) }
            peakStateBytes = max(peakStateBytes, (exact?.bytes ?? 0) + tables.reduce(0) { $0 + $1.bytes } + 2 * ((entries + 63) / 64) * 8)
            let stream = try EntryStream(logURLs, numbering: numbering, documents: last)
            var j = 0
            while let e = try stream.next() {
                defer { j += 1 }
                var isExact = false, isNear = false
                if let partitions {
                    let f = try partitions.flags(e.ordinal)
                    isExact = f.exact && exactOn
                    isNear = f.near && nearOn
                } else {
                    guard j < entries else { throw AIGCError.io("merge: a documents.log grew while merging") }
                    if exact != nil, !exact!.insert(e.hash.high, e.hash.low) { exactDup[j] = true }
                    if !exactDup[j] {
                        for (t, band) in group.enumerated() where band < e.bands.count {
                            if !tables[t].insert(e.bands[band]) { nearDup[j] = true }
                        }
                    }
                    isExact = exactDup[j]
                    isNear = nearDup[j]
                }
                guard last else { continue }
                try flushRejects(before: e.ordinal)
                var verdict: DropReason? = e.dropped
                if isExact {
                    verdict = .exactDuplicate
                } else if isNear {
                    verdict = .nearDuplicate
                } else if e.dropped == .nearDuplicate {
                    // Cannot happen (a shard's earlier records are a subset of all earlier records); keep the shard's verdict.
                    verdict = .nearDuplicate
                }
                if verdict != e.dropped, let v = verdict {
                    // Re-classified: move the count, replace the shard's reject line.
                    if let old = e.dropped { dropped[old.rawValue, default: 0] -= 1; suppressed.insert(e.ordinal) } else { kept -= 1 }
                    dropped[v.rawValue, default: 0] += 1
                    let src = Int(e.fileIndex) < sources.count ? sources[Int(e.fileIndex)] : "input \(e.fileIndex)"
                    let msg = v == .exactDuplicate ? "same normalized content as an earlier record" : "MinHash-LSH near duplicate of an earlier record"
                    try rejectsOut?.append(line: RejectsWriter.line(ordinal: e.ordinal, reason: v, source: "\(src):\(e.line)", message: msg, record: [UInt8]()))
                }
                if verdict == nil, let doc = e.document {
                    try sink.add(doc, split: e.split)
                    if e.truncated { truncated[e.split, default: 0] += 1 }
                }
            }
            if let partitions {
                try partitions.finish()
                entries = j
            } else {
                guard j == entries else { throw AIGCError.io("merge: a documents.log changed while merging") }
            }
        }
        try flushRejects(before: .max)
        dropped = dropped.filter { $0.value != 0 }

        var files = try sink.finish()
        if let rejectsOut { files.append(try rejectsOut.finish()) }
        var manifest = DatasetManifest(tokenizer: first.tokenizer)
        manifest.tokenDType = first.tokenDType
        var opts = first.options
        opts["num_shards"] = "1"
        opts["shard_index"] = "0"
        opts["key_partitions"] = nil
        manifest.options = opts
        manifest.specialTokens = first.specialTokens
        // After a plan, a file read in k ranges is listed k times: each range's bytes and SHA-256, in order.
        manifest.inputs = planTasks ? ordered.flatMap(\.0.inputs) : first.inputs
        manifest.recordsIn = recordsIn
        manifest.recordsKept = kept
        manifest.dropped = dropped
        manifest.pii = pii
        manifest.blankLines = blank
        manifest.mergedFrom = ordered.map { $0.1.path }
        CorpusBuilder<ByteLevelTokenizer>.fill(&manifest, stats: sink.stats, truncated: truncated, files: files, directory: output)
        try manifest.validate()
        try AtomicFile.write(try manifest.encoded(), to: manifestURL)
        return (manifest, peakStateBytes, entries)
    }
}

extension CorpusMerger {
    struct ShardSet {
        var manifests: [DatasetManifest]
        var planTasks: Bool
        /// (manifest, directory) in shard/task order.
        var ordered: [(DatasetManifest, URL)]
        var numbering: [TaskNumbering]?
        var logURLs: [URL] { ordered.map { $0.1.appendingPathComponent("documents.log") } }
    }

    /// Reads and cross-checks the shard or task manifests.
    func shardSet() throws -> ShardSet {
        guard !inputs.isEmpty else { throw AIGCError.usage("merge: no shard directories") }
        let manifests = try inputs.map { try CorpusLayout.readManifest(in: $0) }
        let first = manifests[0]
        // Tasks of a plan read byte ranges (their manifests say which); hash shards all read every input.
        let planTasks = first.inputRanges != nil
        var reference = first.options
        reference["shard_index"] = nil
        reference["input_ranges"] = nil
        for (k, m) in manifests.enumerated() {
            var o = m.options
            o["shard_index"] = nil
            o["input_ranges"] = nil
            guard o == reference, m.tokenizer == first.tokenizer, m.specialTokens == first.specialTokens,
                  (m.inputRanges != nil) == planTasks else {
                throw AIGCError.usage("merge: \(inputs[k].path) was built with different options or tokenizer than \(inputs[0].path)")
            }
        }
        let n = Int(first.options["num_shards"] ?? "1") ?? 1
        let indices = manifests.compactMap { Int($0.options["shard_index"] ?? "") }
        guard n > 1 || (planTasks && n == 1), manifests.count == n, indices.count == n, Set(indices) == Set(0..<n) else {
            let what = planTasks ? "tasks" : "shards"
            throw AIGCError.usage("merge: need exactly the \(n) \(what) 0..<\(n) of one \(planTasks ? "plan" : "sharded build") (got \(what) \(indices.sorted()))")
        }
        let ordered = zip(manifests, inputs).sorted { Int($0.0.options["shard_index"] ?? "") ?? 0 < Int($1.0.options["shard_index"] ?? "") ?? 0 }
        let numbering = planTasks ? try Self.planNumbering(ordered.map(\.0), dirs: ordered.map(\.1)) : nil
        return ShardSet(manifests: manifests, planTasks: planTasks, ordered: ordered, numbering: numbering)
    }

    /// What one partition of a partitioned deduplication did.
    public struct PartitionStats: Sendable {
        /// Keys read, duplicate flags written.
        public var keys = 0, flagged = 0
        /// Largest key tables held at once (one key file index at a time), in bytes.
        public var stateBytes = 0
        /// Bytes of key files read (the partition's share of the shuffle).
        public var bytesRead = 0
        /// Key file indices this partition read (those ≡ partition mod partitions).
        public var parts: [Int] = []
    }

    /// One partition of a partitioned deduplication. Every task wrote its dedup keys split into K files by key
    /// (`DedupKeyLog`, K = the plan's `key_partitions`); partition `index` of `partitions` reads only the files
    /// PPPPP ≡ index (mod partitions) of every task, one file index at a time (keys of different files never
    /// meet), in global record order, and writes the records its keys make duplicates to `url`. A record is an
    /// exact duplicate when its hash was seen earlier and a near duplicate when any of its band keys was; both are
    /// decided key by key, so partitions are independent. (Records that are exact duplicates register their band
    /// keys here too, unlike a one-machine merge; it changes nothing: their keys are those of the earlier record
    /// with the same content, already registered.) `run()` with `partitionedDedup` then re-packs.
    public func dedupPartition(_ index: Int, of partitions: Int, to url: URL) throws -> PartitionStats {
        try Limits.check("partitions", partitions, in: 1...4096)
        guard index >= 0 && index < partitions else { throw AIGCError.usage("partition must be in 0..<\(partitions) (got \(index))") }
        let shards = try shardSet()
        let o = shards.manifests[0].options
        guard let parts = Int(o["key_partitions"] ?? ""), parts >= 1 else {
            throw AIGCError.input(location: CorpusLayout.manifestURL(in: shards.ordered[0].1).path,
                                  message: "no key_partitions option: built before dedup keys were split per partition; rebuild the tasks, or merge on one machine")
        }
        guard partitions <= parts else {
            throw AIGCError.usage("--partitions \(partitions) exceeds the \(parts) key files each task wrote (key_partitions): use at most \(parts), best a divisor of it")
        }
        let records = shards.manifests.reduce(0) { $0 + $1.recordsIn }
        var stats = PartitionStats()
        var flagged: [UInt64] = []
        let bases = shards.numbering?.map(\.ordinalBase) ?? Array(repeating: 0, count: shards.ordered.count)
        for part in stride(from: index, to: parts, by: partitions) {
            stats.parts.append(part)
            let urls = shards.ordered.map { DedupKeyLog.url(in: $0.1, part: part) }
            // Tables sized by the files' footers (opened one task at a time for plans: thousands of tasks).
            var exactKeys = 0, bandKeys = 0
            for u in urls {
                let r = try DedupKeyLog.Reader(url: u, part: part, parts: parts)
                exactKeys += r.counts?.exact ?? 0
                bandKeys += r.counts?.band ?? 0
                stats.bytesRead += r.bytes
            }
            var exact = CompactKeySet(words: 2, expected: exactKeys)
            var band = CompactKeySet(words: 2, expected: bandKeys)
            stats.stateBytes = max(stats.stateBytes, exact.bytes + band.bytes)
            func take(_ item: DedupKeyLog.Item, _ ordinal: UInt64) {
                stats.keys += 1
                if item.tag == 0 {
                    if !exact.insert(item.a, item.b) { flagged.append(ordinal << 1 | 1) }
                } else if !band.insert(item.a, UInt64(item.tag)) {
                    flagged.append(ordinal << 1)
                }
            }
            if shards.planTasks {
                // Tasks own consecutive ordinals: reading them one after another is record order.
                for (t, u) in urls.enumerated() {
                    let r = try DedupKeyLog.Reader(url: u, part: part, parts: parts)
                    while let item = try r.next() { take(item, item.ordinal + bases[t]) }
                }
            } else {
                // Hash shards interleave: merge by ordinal.
                let readers = try urls.map { try DedupKeyLog.Reader(url: $0, part: part, parts: parts) }
                var heads = try readers.map { try $0.next() }
                while true {
                    var best: Int? = nil
                    for (k, h) in heads.enumerated() where h != nil {
                        if best == nil || h!.ordinal < heads[best!]!.ordinal { best = k }
                    }
                    guard let k = best, let item = heads[k] else { break }
                    take(item, item.ordinal)
                    heads[k] = try readers[k].next()
                }
            }
        }
        flagged.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(flagged.count)
        for v in flagged where unique.last != v { unique.append(v) }
        stats.flagged = unique.count
        try DedupPartitionFile.write(unique, partition: index, of: partitions, records: records, to: url)
        return stats
    }

    /// Bands per pass within `budget` bytes per record: a 128-bit exact key costs 20 bytes at load 0.8, a band key
    /// 10, the two flag bits per record are rounded up to one byte. The first pass also holds the exact keys.
    package static func bandGroups(bands: Int, exact: Bool, budget: Int) -> [[Int]] {
        var groups: [[Int]] = []
        var next = 0
        while next < bands || groups.isEmpty {
            let room = budget - 1 - (groups.isEmpty && exact ? 20 : 0)
            let k = max(1, room / 10)
            groups.append(Array(next..<min(bands, next + k)))
            next += k
        }
        return groups
    }

    /// Checks that plan tasks' ranges follow each other (input by input, each starting where the last ended) and
    /// returns each task's renumbering: ordinals continue from the records of earlier tasks; in a file a task
    /// starts inside, line numbers continue from the lines of earlier tasks' ranges of that file.
    static func planNumbering(_ manifests: [DatasetManifest], dirs: [URL]) throws -> [TaskNumbering] {
        var out: [TaskNumbering] = []
        var records = 0
        var linesBefore: [Int: Int] = [:]
        var last: (input: Int, end: Int)? = nil
        for (m, dir) in zip(manifests, dirs) {
            let ranges = m.inputRanges ?? []
            var fix: TaskNumbering.LineFix? = nil
            for (j, r) in ranges.enumerated() {
                let follows = last.map { r.input == $0.input ? r.start == $0.end : r.input > $0.input && r.start == 0 } ?? (r.start == 0)
                guard follows, r.start <= r.end, r.records >= 0, r.lines >= 0 else {
                    throw AIGCError.input(location: CorpusLayout.manifestURL(in: dir).path,
                                          message: "input_ranges[\(j)] (\(r.input):\(r.start)-\(r.end)) does not continue where the previous task's range ended: tasks of different plans?")
                }
                if j == 0 && r.start > 0 {
                    fix = .init(records: UInt64(r.records), base: linesBefore[r.input, default: 0])
                }
                linesBefore[r.input, default: 0] += r.lines
                last = (r.input, r.end)
            }
            guard ranges.reduce(0, { $0 + $1.records }) == m.recordsIn else {
                throw AIGCError.input(location: CorpusLayout.manifestURL(in: dir).path, message: "input_ranges hold \(ranges.reduce(0, { $0 + $1.records })) records but records_in is \(m.recordsIn)")
            }
            out.append(TaskNumbering(ordinalBase: UInt64(records), lineFix: fix))
            records += m.recordsIn
        }
        return out
    }
}

/// The entries of all logs in global record order (the smallest ordinal first), renumbered for plan tasks.
final class EntryStream {
    private let logs: [DocumentLog.Reader]
    private let numbering: [TaskNumbering]?
    private var heads: [DocumentLogEntry?] = []

    init(_ urls: [URL], numbering: [TaskNumbering]?, documents: Bool) throws {
        logs = try urls.map { try DocumentLog.Reader(url: $0) }
        for l in logs { l.skipsDocuments = !documents }
        self.numbering = numbering
        heads = try logs.indices.map { try read($0) }
    }

    /// A task's entries carry its own ordinals and (in a file it starts inside) line numbers: renumber them.
    private func read(_ k: Int) throws -> DocumentLogEntry? {
        guard var e = try logs[k].next() else { return nil }
        if let t = numbering?[k] { t.apply(ordinal: &e.ordinal, line: &e.line) }
        return e
    }

    func next() throws -> DocumentLogEntry? {
        var best: Int? = nil
        for (k, h) in heads.enumerated() {
            if let h, best == nil || h.ordinal < (heads[best!]?.ordinal ?? .max) { best = k }
        }
        guard let b = best, let e = heads[b] else { return nil }
        heads[b] = try read(b)
        return e
    }
}

/// How a plan task's own record numbers map to the single run's.
struct TaskNumbering {
    struct LineFix {
        /// Records of the task's first range (the ones whose lines are counted from the range start).
        var records: UInt64
        /// Lines of the file before the range.
        var base: Int
    }
    var ordinalBase: UInt64
    var lineFix: LineFix?

    /// Renumbers one record: `ordinal` is the task's own (before renumbering).
    func apply(ordinal: inout UInt64, line: inout UInt64) {
        if let f = lineFix, ordinal < f.records { line += UInt64(f.base) }
        ordinal += ordinalBase
    }
}

/// Reads `rejects.jsonl` lines one at a time with their ordinal (the first field every line starts with).
final class RejectLineReader {
    private let reader: ChunkReader
    private var buf: [UInt8] = []
    private var pos = 0
    private var eof = false
    private(set) var peekOrdinal: UInt64?
    private var peekLine: [UInt8] = []
    let path: String
    let numbering: TaskNumbering?

    init(url: URL, numbering: TaskNumbering? = nil) throws {
        path = url.path
        self.numbering = numbering
        reader = try ChunkReader(path: url.path)
        try advance()
    }

    func take() throws -> (UInt64, [UInt8])? {
        guard let o = peekOrdinal else { return nil }
        let l = peekLine
        try advance()
        return (o, l)
    }

    private func advance() throws {
        peekOrdinal = nil
        while true {
            if let nl = buf[pos...].firstIndex(of: 0x0A) {
                let line = Array(buf[pos...nl])
                pos = nl + 1
                let prefix = Array("{\"ordinal\":".utf8)
                guard line.starts(with: prefix) else { throw AIGCError.input(location: path, message: "not a rejects.jsonl line") }
                var v: UInt64 = 0
                var i = prefix.count
                while i < line.count, line[i] >= 0x30 && line[i] <= 0x39 { v = v * 10 + UInt64(line[i] - 0x30); i += 1 }
                guard i > prefix.count, i - prefix.count <= 20 else { throw AIGCError.input(location: path, message: "a rejects.jsonl line without an ordinal") }
                if let numbering {
                    peekLine = try Self.renumber(line, ordinalDigitsEnd: i, local: v, numbering, path: path)
                    peekOrdinal = v + numbering.ordinalBase
                } else {
                    peekOrdinal = v
                    peekLine = line
                }
                return
            }
            if eof { return }
            buf.removeSubrange(0..<pos); pos = 0
            if !(try reader.read(into: &buf)) { eof = true }
        }
    }

    /// The line with the single run's ordinal and, for records of a range that starts inside a file, the single
    /// run's line number at the end of `source` ("FILE:LINE").
    static func renumber(_ line: [UInt8], ordinalDigitsEnd: Int, local: UInt64, _ t: TaskNumbering, path: String) throws -> [UInt8] {
        var ordinal = local, lineNumber: UInt64 = 0
        let prefix = Array("{\"ordinal\":".utf8)
        var rest = Array(line[ordinalDigitsEnd...])
        if let f = t.lineFix, local < f.records, f.base > 0 {
            let key = Array(",\"source\":\"".utf8)
            guard let hit = (0...max(0, rest.count - key.count)).first(where: { rest[$0...].starts(with: key) }),
                  rest[hit...].starts(with: key) else {
                throw AIGCError.input(location: path, message: "rejects.jsonl line of record \(local) has no source")
            }
            // The end of the JSON string (skipping escapes), then the digits before it.
            let at = hit + key.count
            var i = at, escaped = false
            while i < rest.count, escaped || rest[i] != UInt8(ascii: "\"") { escaped = !escaped && rest[i] == UInt8(ascii: "\\"); i += 1 }
            var d = i
            while d > at, rest[d - 1] >= 0x30 && rest[d - 1] <= 0x39 { d -= 1 }
            guard i < rest.count, d < i, d > at, rest[d - 1] == UInt8(ascii: ":") else {
                throw AIGCError.input(location: path, message: "rejects.jsonl line of record \(local): source does not end in :LINE")
            }
            for c in rest[d..<i] { lineNumber = lineNumber &* 10 &+ UInt64(c - 0x30) }
            t.apply(ordinal: &ordinal, line: &lineNumber)
            rest.replaceSubrange(d..<i, with: Array(String(lineNumber).utf8))
        } else {
            t.apply(ordinal: &ordinal, line: &lineNumber)
        }
        return prefix + Array(String(ordinal).utf8) + rest
    }
}
