import AIGCCore
import AIGCCorpus
import AIGCText
import AIGCTokenizer
import Dispatch
import Foundation

/// `aigc audit FILE…`: streams the inputs in batches through the corpus builder's readers and parser; each worker
/// thread analyses whole batches (`AuditWorker`), which are then folded in batch order for everything
/// order-dependent (duplicates, examples, contamination tallies, top-k summaries). Memory: one batch and its
/// n-gram tables per worker, fixed-size summaries, and the duplicate index (about 350 bytes per distinct
/// document). The report is identical for any thread count.
public final class Auditor: Sendable {
    public let options: AuditOptions
    let context: AuditContext

    public init(options: AuditOptions) throws {
        guard !options.inputs.isEmpty else { throw AIGCError.usage("no input files") }
        for p in options.inputs where !FileManager.default.isReadableFile(atPath: p) {
            throw AIGCError.io("\(p): no such readable file")
        }
        if let s = options.seqLen, s < 1 { throw AIGCError.usage("AuditOptions.seqLen must be at least 1") }
        guard options.threads >= 1 else { throw AIGCError.usage("AuditOptions.threads must be at least 1") }
        var eval: NGramIndex? = nil
        var items: [ContaminationItem] = []
        if !options.against.isEmpty {
            var e = NGramIndex(n: options.contaminationNgram)
            for f in options.against {
                guard FileManager.default.isReadableFile(atPath: f) else { throw AIGCError.io("\(f): no such readable file") }
                try e.addFile(f, normalizer: options.normalizer) { location, text in
                    items.append(ContaminationItem(location: location, excerpt: Excerpt.around(text, offset: 0, before: 0, after: 96)))
                }
            }
            eval = e
        }
        self.options = options
        context = AuditContext(options: options, evalIndex: eval, evalItems: items)
    }

    /// Order-dependent state.
    struct Fold {
        var problemCounts = PerKind<UInt64>(0)
        var examples = PerKind<[FindingExample]>([])
        var exact = HashIndex<ContentHash>()
        var bands = HashIndex<UInt64>()
        var founders: [(file: Int32, line: Int32)] = []
        var clusters: [UInt32: ClusterInfo] = [:]
        var exactDuplicates: UInt64 = 0
        var nearDuplicates: UInt64 = 0
        var pii = PIIReport()
        var piiExampleCount: [String: Int] = [:]
        var contaminated: UInt64 = 0
        var itemHits: [UInt32: (documents: UInt64, first: String)] = [:]
        var itemOrder: [UInt32] = []
        var overSeqLen: UInt64 = 0
        var tokensTruncated: UInt64 = 0
        var documents: UInt64 = 0
    }

    /// The order-dependent state, in separate properties so its parts can be updated on different threads.
    final class OrderedState: @unchecked Sendable {
        var fold = Fold()
        var unigrams: FrequencySummary
        var bigrams: FrequencySummary
        var trigrams: FrequencySummary
        var lines: FrequencySummary
        init(capacity: Int) {
            unigrams = FrequencySummary(capacity: capacity); bigrams = FrequencySummary(capacity: capacity)
            trigrams = FrequencySummary(capacity: capacity); lines = FrequencySummary(capacity: capacity)
        }
    }

    /// One value per problem kind, in an array indexed by `ProblemKind.ordinal`: the fold updates counts and
    /// examples per document, where a `Dictionary` hashed the kind each time.
    struct PerKind<Value> {
        private var values: [Value]
        init(_ initial: Value) { values = Array(repeating: initial, count: ProblemKind.allCases.count) }
        subscript(_ kind: ProblemKind) -> Value {
            get { values[kind.ordinal] }
            _modify { yield &values[kind.ordinal] }
        }
    }

    struct ClusterInfo {
        var exact: UInt64 = 0
        var near: UInt64 = 0
        var members: [String] = []
        /// The first document's `DocResult.previewBytes`: its excerpt is built only for the clusters listed.
        var previewBytes: [UInt8] = []
    }

    /// Shared between the workers of one run: the reader (one batch at a time, under `lock`), the analysed batches
    /// waiting for their turn to be folded, the recycled batch outputs, and the first error.
    final class Pipeline: @unchecked Sendable {
        let lock = NSCondition()
        let reader: InputReader
        var nextSeq = 0
        /// Batches folded so far (the next one to fold is `pending[folded]`).
        var folded = 0
        /// Whether a thread is folding (one at a time; batches fold in order).
        var folding = false
        /// Analysed batches not yet folded, by sequence number.
        var pending: [Int: BatchOutput] = [:]
        /// Folded outputs, ready for reuse.
        var free: [BatchOutput] = []
        var done = false
        var failure: Error?
        var lastBytes = 0
        /// Problem kinds (bits by `ProblemKind.ordinal`) with all their examples taken by the batches folded so
        /// far; handed to each worker with its next batch (see `AuditWorker.saturated`).
        var saturated: UInt32 = 0
        init(reader: InputReader) { self.reader = reader }
    }

    public func run(progress: ProgressReporter? = nil) throws -> AuditReport {
        let threads = options.threads
        let workers = (0..<threads).map { _ in AuditWorker.Box(AuditWorker(context: context)) }
        let pipe = Pipeline(reader: InputReader(paths: options.inputs, format: options.inputFormat, maxRecordBytes: options.maxRecordBytes))
        // One spare output per worker: a worker that finishes its batch before the batches ahead of it are folded
        // hands it over and goes on with the next one instead of waiting for its turn.
        pipe.free = (0..<threads).map { _ in BatchOutput() }
        let state = OrderedState(capacity: options.summaryCapacity)
        // Every worker loops: take the next batch from the reader, analyse all of it, and queue it for folding
        // (summaries, duplicates, examples), which happens strictly in batch order: the thread that queues the next
        // batch to fold folds it (and any queued after it) while the others go on analysing; a thread whose batch
        // must wait takes a recycled output and the next batch. Batches are cut by the reader alone and folded whole
        // in reader order, so the report never depends on the thread count; the serial fold overlaps the parallel
        // analysis instead of stopping it, and no thread waits for another's turn unless every output is in use.
        let loop: @Sendable (Int) -> Void = { t in
            let w = workers[t]
            while true {
                pipe.lock.lock()
                if pipe.done || pipe.failure != nil { pipe.lock.unlock(); return }
                let batch: RawBatch?
                do {
                    batch = try pipe.reader.nextBatch(maxRecords: self.options.batchRecords, maxBytes: self.options.batchBytes)
                } catch {
                    pipe.failure = error; pipe.lock.broadcast(); pipe.lock.unlock(); return
                }
                guard let batch else { pipe.done = true; pipe.lock.unlock(); return }
                let seq = pipe.nextSeq
                pipe.nextSeq += 1
                w.worker.saturated = pipe.saturated
                pipe.lock.unlock()
                w.worker.resetBatch()
                w.worker.process(batch, range: 0..<batch.records.count)
                pipe.lock.lock()
                pipe.pending[seq] = w.worker.out
                while true {
                    if !pipe.folding, let next = pipe.pending.removeValue(forKey: pipe.folded) {
                        pipe.folding = true
                        pipe.lock.unlock()
                        self.fold(next, state)
                        let saturated = self.saturatedKinds(state.fold)
                        pipe.lock.lock()
                        pipe.free.append(next)
                        pipe.saturated |= saturated
                        pipe.folded += 1
                        pipe.folding = false
                        let bytes = pipe.reader.fileBytesRead
                        progress?.advance(by: Double(bytes - pipe.lastBytes), note: "\(state.fold.documents) documents")
                        pipe.lastBytes = bytes
                        pipe.lock.broadcast()
                        continue
                    }
                    if let recycled = pipe.free.popLast() { w.worker.out = recycled; break }
                    if pipe.failure != nil { pipe.lock.unlock(); return }
                    pipe.lock.wait()
                }
                pipe.lock.unlock()
            }
        }
        // Dedicated threads (not `concurrentPerform`, which may run the loops one after another when it judges the
        // machine busy: then one loop would take every batch).
        let finished = DispatchSemaphore(value: 0)
        for t in 1..<max(threads, 1) {
            let thread = Thread { loop(t); finished.signal() }
            thread.stackSize = 8 << 20
            thread.start()
        }
        loop(0)
        for _ in 1..<max(threads, 1) { finished.wait() }
        if let failure = pipe.failure { throw failure }
        // Every queued batch is folded by the thread that queued the last one it needed; anything else is a bug.
        guard pipe.pending.isEmpty, pipe.folded == pipe.nextSeq else {
            throw AIGCError.io("audit: \(pipe.nextSeq - pipe.folded) analysed batches were not folded (internal error)")
        }
        progress?.finish()
        for t in 1..<threads { workers[t].worker.mergeTotals(into: &workers[0].worker) }
        return buildReport(workers[0].worker, state.fold, reader: pipe.reader,
                           summaries: (state.unigrams, state.bigrams, state.trigrams, state.lines))
    }

    /// Folds one analysed batch into the order-dependent state (the caller holds the fold turn).
    private func fold(_ out: BatchOutput, _ state: OrderedState) {
        out.arena.withUnsafeBufferPointer { arena in
            state.unigrams.add(out.unigrams, arena: arena)
            state.bigrams.add(out.bigrams, arena: arena)
            state.trigrams.add(out.trigrams, arena: arena)
            state.lines.add(out.lines, arena: arena)
        }
        // The duplicate indexes are far larger than the caches: load the next document's slots while this one is
        // folded. Results are read in place (a copy of a `DocResult` retains and releases each of its arrays).
        out.results.withUnsafeBufferPointer { results in
            for i in results.indices {
                if i + 1 < results.count {
                    let hash = results[i + 1].hash
                    state.fold.exact.prefetch(hash)
                    results[i + 1].bandKeys.withUnsafeBufferPointer { keys in
                        for key in keys { state.fold.bands.prefetch(key) }
                    }
                }
                self.foldOne(results[i], &state.fold)
            }
        }
    }

    private func location(_ file: Int, _ line: Int) -> String { "\(context.paths[file]):\(line)" }

    /// Kinds whose examples are all taken.
    private func saturatedKinds(_ fold: Fold) -> UInt32 {
        var mask: UInt32 = 0
        for kind in ProblemKind.allCases where fold.examples[kind].count >= options.examplesPerFinding {
            mask |= 1 << UInt32(kind.ordinal)
        }
        return mask
    }

    /// Counts one finding of a document and keeps its example while the kind still needs examples (a document of
    /// a saturated kind has none, and is never needed).
    private func addExample(_ kind: ProblemKind, found e: FindingExample?, _ fold: inout Fold) {
        fold.problemCounts[kind] += 1
        if let e, fold.examples[kind].count < options.examplesPerFinding { fold.examples[kind].append(e) }
    }

    /// Counts one finding; the example is built only while the kind still needs examples.
    private func addExample(_ kind: ProblemKind, _ e: @autoclosure () -> FindingExample, _ fold: inout Fold) {
        fold.problemCounts[kind] += 1
        if fold.examples[kind].count < options.examplesPerFinding { fold.examples[kind].append(e()) }
    }

    private func foldOne(_ r: DocResult, _ fold: inout Fold) {
        if let m = r.malformed {
            addExample(.malformedRecord, FindingExample(location: location(r.fileIndex, r.line), excerpt: m), &fold)
            return
        }
        fold.documents += 1
        // A local function, not a closure value: a stored closure would copy `r` into a heap context per document.
        func here() -> String { location(r.fileIndex, r.line) }
        for (kind, example) in r.problems { addExample(kind, found: example, &fold) }
        if r.emptyTurns > 1 { fold.problemCounts[.emptyTurn] += UInt64(r.emptyTurns - 1) }
        if r.has(.overSeqLen), let seq = options.seqLen {
            fold.overSeqLen += 1
            fold.tokensTruncated += UInt64(r.tokens - seq)
        }
        // PII.
        fold.pii.email += r.pii.0; fold.pii.phone += r.pii.1; fold.pii.ip += r.pii.2; fold.pii.creditCard += r.pii.3
        let piiTotal = r.pii.0 + r.pii.1 + r.pii.2 + r.pii.3
        if piiTotal > 0 {
            fold.pii.documents += 1
            fold.problemCounts[.pii] += piiTotal
            for e in r.piiExamples where fold.piiExampleCount[e.kind, default: 0] < 3 {
                fold.piiExampleCount[e.kind, default: 0] += 1
                fold.pii.examples.append(e)
                if fold.examples[.pii].count < options.examplesPerFinding {
                    fold.examples[.pii].append(FindingExample(location: e.location, excerpt: "\(e.kind): \(e.redacted)"))
                }
            }
        }
        // Contamination.
        if !r.contamination.isEmpty {
            fold.contaminated += 1
            addExample(.contaminated, FindingExample(location: here(), excerpt: r.preview), &fold)
            for item in r.contamination {
                if var h = fold.itemHits[item] { h.documents += 1; fold.itemHits[item] = h } else {
                    fold.itemHits[item] = (1, here())
                    fold.itemOrder.append(item)
                }
            }
        }
        // Exact duplicates, then near duplicates (an exact duplicate is not also counted as near).
        if let cluster = fold.exact.get(r.hash) {
            fold.exactDuplicates += 1
            addExample(.exactDuplicate, FindingExample(location: here(), excerpt: r.preview), &fold)
            noteMember(cluster, here(), r.previewBytes, exact: true, &fold)
            return
        }
        var cluster: UInt32? = nil
        for key in r.bandKeys { if let c = fold.bands.get(key) { cluster = c; break } }
        if let c = cluster {
            fold.nearDuplicates += 1
            addExample(.nearDuplicate, FindingExample(location: here(), excerpt: r.preview), &fold)
            noteMember(c, here(), r.previewBytes, exact: false, &fold)
        } else {
            cluster = UInt32(fold.founders.count)
            fold.founders.append((Int32(truncatingIfNeeded: r.fileIndex), Int32(truncatingIfNeeded: r.line)))
        }
        fold.exact.insertIfAbsent(r.hash, cluster!)
        for key in r.bandKeys { fold.bands.insertIfAbsent(key, cluster!) }
    }

    private func noteMember(_ cluster: UInt32, _ here: @autoclosure () -> String, _ preview: [UInt8],
                            exact: Bool, _ fold: inout Fold) {
        var info = fold.clusters[cluster] ?? ClusterInfo(previewBytes: preview)
        if exact { info.exact += 1 } else { info.near += 1 }
        if info.members.count < 5 { info.members.append(here()) }
        fold.clusters[cluster] = info
    }

    private func buildReport(_ w: AuditWorker, _ fold: Fold, reader: InputReader,
                             summaries: (FrequencySummary, FrequencySummary, FrequencySummary, FrequencySummary)) -> AuditReport {
        let hasTokens = context.tokenizer != nil
        var report = AuditReport(distributions: DistributionsReport(
            charsPerDocument: w.charsPerDocument.summary(), turnsPerDocument: w.turnsPerDocument.summary(),
            tokensPerDocument: hasTokens ? w.tokensPerDocument.summary() : nil,
            tokensPerTurn: hasTokens ? w.tokensPerTurn.summary() : nil))
        report.inputs = reader.fileHashes.map { AuditInput(path: $0.path, bytes: UInt64($0.bytes), sha256: $0.sha256) }
        report.options = AuditOptionsRecord(
            inputFormat: options.inputFormat.rawValue, textField: options.textField, tokenizer: context.tokenizer?.name,
            seqLen: options.seqLen, against: options.against, normalization: options.normalizerName,
            longRunThreshold: options.longRunThreshold, examplesPerFinding: options.examplesPerFinding)
        // Volume.
        var volume = w.volume
        let roleNames = ["system", "user", "assistant", "text"]
        for k in 0..<4 where w.roles[k].turns > 0 { volume.perRole[roleNames[k]] = w.roles[k] }
        report.volume = volume
        if let seq = options.seqLen, hasTokens {
            report.seqLen = SeqLenReport(seqLen: seq, documentsLonger: fold.overSeqLen,
                                         shareLonger: volume.documents == 0 ? 0 : Double(fold.overSeqLen) / Double(volume.documents),
                                         tokensTruncated: fold.tokensTruncated)
        }
        // Health.
        let c = fold.problemCounts
        var h = TextHealthReport()
        h.invalidUTF8Documents = c[.invalidUTF8]
        h.nfkcWouldChangeDocuments = c[.nfkcWouldChange]
        h.controlCharacters = ControlCharacterCounts(bidi: c[.bidi], zeroWidth: c[.zeroWidth], other: c[.otherControl])
        h.replacementCharacterDocuments = c[.replacementCharacter]
        h.longRunDocuments = c[.longRun]
        h.longRunThreshold = options.longRunThreshold
        h.emptyTurns = c[.emptyTurn]
        h.roleOrderErrors = c[.roleOrder]
        report.textHealth = h
        // Duplicates.
        var d = DuplicatesReport()
        d.exactDuplicates = fold.exactDuplicates
        d.nearDuplicates = fold.nearDuplicates
        d.clusters = UInt64(fold.clusters.count)
        d.shingleSize = options.shingleSize; d.bands = options.bands; d.rows = options.rows
        let ranked = fold.clusters.sorted { a, b in
            let sa = a.value.exact + a.value.near, sb = b.value.exact + b.value.near
            return sa != sb ? sa > sb : a.key < b.key
        }
        d.largestClusters = ranked.prefix(options.clustersListed).map { id, info in
            let f = fold.founders[Int(id)]
            return DuplicateCluster(size: 1 + info.exact + info.near, exact: info.exact, near: info.near,
                                    first: FindingExample(location: location(Int(f.file), Int(f.line)),
                                                          excerpt: Excerpt.around(info.previewBytes, offset: 0, before: 0, after: 100)),
                                    members: info.members)
        }
        report.duplicates = d
        report.pii = fold.pii
        // Scripts.
        let totalChars = w.scanner.scriptChars.reduce(0, +)
        var scripts: [ScriptShare] = []
        for s in 0..<ScriptTable.size where w.scanner.scriptChars[s] > 0 || w.scriptTokens[s] > 0 {
            let tokens = w.scriptTokens[s], words = w.scanner.scriptWords[s]
            scripts.append(ScriptShare(
                script: ScriptTable.names[s], chars: w.scanner.scriptChars[s],
                share: totalChars == 0 ? 0 : Double(w.scanner.scriptChars[s]) / Double(totalChars),
                documents: w.scriptDocuments[s], words: words, tokens: tokens, tokenBytes: w.scriptTokenBytes[s],
                bytesPerToken: hasTokens && tokens > 0 ? Double(w.scriptTokenBytes[s]) / Double(tokens) : nil,
                tokensPerWord: hasTokens && words > 0 && !ScriptTable.isNeutral(Int32(s)) ? Double(tokens) / Double(words) : nil))
        }
        report.scripts = scripts.sorted { $0.chars != $1.chars ? $0.chars > $1.chars : $0.script < $1.script }
        // Tokenizer fit.
        if let tok = context.tokenizer {
            let counts = w.tokenCounts
            var used = 0, once = 0, rare = 0
            var seen: [(UInt32, UInt64)] = []
            for (i, n) in counts.enumerated() where n > 0 {
                used += 1
                if n == 1 { once += 1 }
                if n < UInt64(options.rareThreshold) { rare += 1 }
                seen.append((UInt32(i), n))
            }
            func entry(_ p: (UInt32, UInt64)) -> TokenCount {
                TokenCount(id: p.0, text: Excerpt.tokenText(tok.tokenBytes(p.0) ?? []), count: p.1)
            }
            let rarest = seen.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(10).map(entry)
            let top = seen.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(20).map(entry)
            report.tokenizer = TokenizerReport(
                name: tok.name, sha256: tok.sha256, vocabularySize: tok.vocabularySize, tokens: volume.tokens,
                idsUsed: used, vocabularyCoverage: tok.vocabularySize == 0 ? 0 : Double(used) / Double(tok.vocabularySize),
                singleByteTokens: w.singleByteTokens,
                singleByteTokenShare: volume.tokens == 0 ? 0 : Double(w.singleByteTokens) / Double(volume.tokens),
                idsSeenOnce: once, rareThreshold: options.rareThreshold, rareIds: rare,
                rarestTokens: Array(rarest), topTokens: Array(top))
        }
        // Contamination.
        if let eval = context.evalIndex {
            var cr = ContaminationReport(against: options.against, ngram: eval.n, evalItems: UInt64(context.evalItems.count),
                                         contaminatedDocuments: fold.contaminated)
            cr.distinctItemsHit = UInt64(fold.itemOrder.count)
            cr.itemsHit = fold.itemOrder.prefix(200).map { item in
                let h = fold.itemHits[item]!
                return ContaminatedItem(item: context.evalItems[Int(item)].location, excerpt: context.evalItems[Int(item)].excerpt,
                                        documents: h.documents, firstDocument: h.first)
            }
            report.contamination = cr
        } else if !options.against.isEmpty {
            report.contamination = ContaminationReport(against: options.against, ngram: options.contaminationNgram)
        }
        // Frequent items.
        func items(_ s: FrequencySummary, minimum: UInt64 = 1) -> [FrequentItem] {
            s.top(options.topK, minimumCount: minimum).map {
                FrequentItem(text: Excerpt.visible($0.text), count: $0.count, error: $0.error)
            }
        }
        report.topNgrams = TopNGramsReport(unigrams: items(summaries.0), bigrams: items(summaries.1), trigrams: items(summaries.2))
        report.repeatedLines = items(summaries.3, minimum: 2)
        // Findings, in a fixed order; only kinds that occurred.
        for kind in ProblemKind.allCases {
            let n = c[kind]
            guard n > 0 else { continue }
            report.findings.append(Finding(kind: kind.rawValue, severity: kind.severity, count: n, unit: kind.unit,
                                           message: kind.message, examples: fold.examples[kind]))
        }
        return report
    }
}
