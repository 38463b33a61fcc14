import AIGCCore
import AIGCCorpus
import AIGCText
import AIGCTokenizer
import CKernels

/// One thread's share of the audit: runs the per-record analysis on a contiguous range of each batch and keeps
/// commutative totals (sums, distributions, per-script and per-id counts) across batches, plus this batch's exact
/// n-gram and line counts. Totals merge exactly; batch tables merge in range order; so results never depend on the
/// thread count.
///
/// A struct, held by its thread in a `Box` and changed through one `mutating` call per batch: the hot path's many
/// updates of its fields are then plain stores, where the stored properties of a class would each pay a dynamic
/// exclusivity check (`swift_beginAccess`, ~6% of a full audit's CPU) and often a retain/release.
struct AuditWorker: @unchecked Sendable {
    /// A worker's home: one per thread, never shared between threads while a batch is analysed.
    final class Box: @unchecked Sendable {
        var worker: AuditWorker
        init(_ worker: AuditWorker) { self.worker = worker }
    }

    let context: AuditContext
    var scanner = TextScanner()
    private var nfkc = NFKCScalarCache()
    // Totals.
    var volume = VolumeReport()
    var roles = [RoleVolume](repeating: RoleVolume(), count: 4)
    var charsPerDocument = Distribution()
    var turnsPerDocument = Distribution()
    var tokensPerDocument = Distribution()
    var tokensPerTurn = Distribution()
    var scriptDocuments = [UInt64](repeating: 0, count: ScriptTable.size)
    var scriptTokens = [UInt64](repeating: 0, count: ScriptTable.size)
    var scriptTokenBytes = [UInt64](repeating: 0, count: ScriptTable.size)
    /// Per token id: count << 16 | byte length of the token (0 for unused ids).
    var idStats: [UInt64]
    /// Per token id: how often it occurred.
    var tokenCounts: [UInt64] { idStats.map { $0 >> 16 } }
    var singleByteTokens: UInt64 = 0
    /// The outputs of the batch being analysed (handed to `Auditor` for folding when done, replaced by a recycled one).
    var out = BatchOutput()
    private var evalScratch: [UInt64] = []
    private var shingleScratch: [UInt64] = []
    /// Token ids of the current turn (storage reused across turns).
    private var ids: [UInt32] = []
    /// Queued n-grams of this batch, not yet counted: (key, text ref) pairs, `queued…` pairs in use.
    private var queue1: [UInt64] = [], queue2: [UInt64] = [], queue3: [UInt64] = []
    private var queued = 0, queued2 = 0, queued3 = 0
    /// Queued (key, text ref) pairs of lines.
    private var queueL: [UInt64] = []
    /// Problem kinds (bits by `ProblemKind.ordinal`) whose examples were all taken when this batch was handed out:
    /// batches are folded in order, so no document of this batch can become one of their examples, and building
    /// its example (location string, excerpt) would be wasted. Counts are unaffected.
    var saturated: UInt32 = 0
    /// Problems of the current document: kinds present (bits) and their first examples.
    private var foundPresent: UInt32 = 0
    private var foundExamples = [FindingExample?](repeating: nil, count: ProblemKind.allCases.count)

    // Copies of the context's read-only parts used per turn or per document, held by the worker so the hot path
    // does not copy (and retain/release every reference of) `AuditOptions` or `Tokenizer` values each time.
    private let tokenizer: Tokenizer?
    private let minhasher: MinHasher
    private let evalIndex: NGramIndex?
    private let scrubber: PIIScrubber
    private let parser: RecordParser
    private let longRunThreshold: Int
    private let seqLen: Int?

    init(context: AuditContext) {
        self.context = context
        tokenizer = context.tokenizer
        minhasher = context.minhasher
        evalIndex = context.evalIndex
        scrubber = context.scrubber
        parser = context.parser
        longRunThreshold = context.options.longRunThreshold
        seqLen = context.options.seqLen
        idStats = context.tokenLengths.map { UInt64($0) }
        scanner.trackByteScripts = context.tokenizer != nil
    }

    mutating func resetBatch() { out.reset() }

    /// Encodes one turn's normalized bytes, appending the ids (`Tokenizer.withOrdinaryAppender`'s encoder).
    typealias Encode = (UnsafeBufferPointer<UInt8>, inout [UInt32]) -> Void

    mutating func process(_ batch: RawBatch, range: Range<Int>) {
        // One tokenizer scratch for the whole batch (taking one from the tokenizer's pool and giving it back per
        // turn, under its lock, was ~2% of a full audit's CPU).
        if let tok = tokenizer {
            tok.withOrdinaryAppender { encode in processRecords(batch, range, encode) }
        } else {
            processRecords(batch, range) { _, _ in }
        }
        flushNGrams()
    }

    private mutating func processRecords(_ batch: RawBatch, _ range: Range<Int>, _ encode: Encode) {
        batch.storage.withUnsafeBufferPointer { storage in
            for k in range {
                let rec = batch.records[k]
                if rec.oversize > 0 {
                    volume.recordsIn += 1
                    volume.malformedRecords += 1
                    var r = DocResult(fileIndex: rec.fileIndex, line: rec.line)
                    r.malformed = "record_too_large: \(rec.oversizeMessage(limit: context.options.maxRecordBytes, option: "AuditOptions.maxRecordBytes"))"
                    out.results.append(r)
                    continue
                }
                let r = analyze(UnsafeBufferPointer(rebasing: storage[rec.range]), fileIndex: rec.fileIndex, line: rec.line, encode)
                out.results.append(r)
            }
        }
    }

    private func location(_ r: DocResult, text: [UInt8]? = nil, offset: Int = 0) -> String {
        var line = r.line
        // `text` inputs: the document is the file, so name the line of the problem itself.
        if context.options.inputFormat == .text, let text {
            line = 1
            for b in text[0..<min(offset, text.count)] where b == 0x0A { line += 1 }
        }
        return "\(context.paths[r.fileIndex]):\(line)"
    }

    private mutating func analyze(_ raw: UnsafeBufferPointer<UInt8>, fileIndex: Int, line: Int, _ encode: Encode) -> DocResult {
        var r = DocResult(fileIndex: fileIndex, line: line)
        volume.recordsIn += 1
        let parsed: Record?, badUTF8: Bool, failure: RecordParser.Failure?
        // The common OpenAI shape straight from the bytes; anything unusual goes through the full parser.
        if parser.format == .openai, let fast = OpenAIRecordScanner.parse(raw) {
            (parsed, badUTF8, failure) = (fast, false, nil)
        } else {
            (parsed, badUTF8, failure) = parser.parse(raw)
        }
        if let failure {
            r.malformed = "\(failure.reason.rawValue): \(failure.message)"
            volume.malformedRecords += 1
            return r
        }
        guard let record = parsed else {
            r.malformed = "schema: no record"
            volume.malformedRecords += 1
            return r
        }
        var turns: [Turn]
        var dialogue = true
        switch record {
        case .conversation(let t): turns = t
        case .document(let d): turns = [Turn(role: .user, content: d)]; dialogue = false
        }
        volume.documents += 1
        volume.turns += UInt64(turns.count)
        scanner.beginDocument()
        var docChars = 0
        var docTokens = 0
        var normalizedTurns: [[UInt8]] = []
        var anyChanged = false
        var wordCount = 0
        normalizedTurns.reserveCapacity(turns.count)
        func note(_ kind: ProblemKind, _ text: [UInt8], _ offset: Int) {
            if mark(kind) { foundExamples[kind.ordinal] = FindingExample(location: location(r, text: text, offset: offset), excerpt: Excerpt.around(text, offset: offset)) }
        }
        if badUTF8 {
            // The parser already replaced invalid bytes with U+FFFD; point at the first one.
            let t = turns.first { $0.content.contains(0xEF) }?.content ?? turns.first?.content ?? []
            note(.invalidUTF8, t, Self.firstReplacement(t) ?? 0)
        }
        for (ti, turn) in turns.enumerated() {
            let content = turn.content
            let normalized: [UInt8], changed: Bool
            do { (normalized, changed) = try context.normalize(content) } catch {
                // Counted, and the turn audited as it is (never silently taken for its normalized form).
                note(.normalizationFailed, content, 0)
                (normalized, changed) = (content, false)
            }
            if changed { anyChanged = true }
            let scan: TextScan
            let normalizedScan: TextScan
            if !changed {
                scan = scanner.scan(normalized)
                normalizedScan = scan
            } else {
                scan = scanner.scan(content, collect: false)
                normalizedScan = scanner.scan(normalized)
            }
            let wordsMatch = normalizedScan.corpusWordsMatch
            // The corpus words (MinHash, contamination) of this turn, appended to the document's word stream: from
            // the scanner's word states where both cut the same words (ASCII words between ASCII or separator
            // characters), else by `WordHasher` (b bytes hold at most (b + 1) / 2 words).
            let need = wordCount + (normalized.count + 1) / 2
            if evalScratch.count < need { evalScratch.append(contentsOf: repeatElement(0, count: max(need, 2 * evalScratch.count) - evalScratch.count)) }
            evalScratch.withUnsafeMutableBufferPointer { w in
                if wordsMatch {
                    let n = scanner.wordCount
                    if n > 0, let base = w.baseAddress {
                        scanner.corpusWordStates.withUnsafeBufferPointer { cs in
                            scanner.wordStarts.withUnsafeBufferPointer { st in
                                scanner.wordEnds.withUnsafeBufferPointer { en in
                                    CorpusWordHashes.finish(states: cs, starts: st, ends: en, count: n, into: base + wordCount)
                                }
                            }
                        }
                        wordCount += n
                    }
                } else {
                    normalized.withUnsafeBufferPointer { p in
                        WordHasher.forEachWord(p) { w[wordCount] = $0; wordCount += 1 }
                    }
                }
            }
            docChars += scan.chars
            let roleIndex = dialogue ? Int(turn.role.rawValue) : 3
            roles[roleIndex].turns += 1
            roles[roleIndex].bytes += UInt64(content.count)
            roles[roleIndex].chars += UInt64(scan.chars)
            volume.bytes += UInt64(content.count)
            volume.chars += UInt64(scan.chars)
            volume.words += UInt64(scanner.wordCount)
            // Health (raw text).
            if scan.bidi > 0 { note(.bidi, content, scan.firstBidi) }
            if scan.zeroWidth > 0 { note(.zeroWidth, content, scan.firstZeroWidth) }
            if scan.otherControl > 0 { note(.otherControl, content, scan.firstOtherControl) }
            if scan.replacement > 0 && !badUTF8 { note(.replacementCharacter, content, scan.firstReplacement) }
            if scan.longestRun >= longRunThreshold { note(.longRun, content, scan.longestRunOffset) }
            if scan.nonASCII && !found(.nfkcWouldChange) {
                let changes = content.withUnsafeBufferPointer { nfkc.wouldChange($0) }
                if changes { note(.nfkcWouldChange, content, Self.firstNonASCII(content)) }
            }
            if TextChecks.isBlank(normalized) {
                r.emptyTurns += 1
                if mark(.emptyTurn) { foundExamples[ProblemKind.emptyTurn.ordinal] = FindingExample(location: location(r), excerpt: dialogue ? "turn \(ti) (\(turn.role.name)): \"\(Excerpt.visible(content))\"" : "\"\(Excerpt.visible(content))\"") }
            }
            // N-grams and lines (normalized text).
            let base = out.arena.count
            out.arena.append(contentsOf: normalized)
            normalized.withUnsafeBufferPointer { p in countNGrams(base); countLines(p, base: base) }
            // PII.
            // (Without an ASCII digit, '@' or ':' the scrubber finds nothing: not asked.)
            let matches = normalizedScan.piiCandidate ? normalized.withUnsafeBufferPointer { scrubber.matches(in: $0) } : []
            for m in matches {
                switch m.kind {
                case .email: r.pii.0 += 1
                case .phone: r.pii.1 += 1
                case .ip: r.pii.2 += 1
                case .creditCard: r.pii.3 += 1
                }
                if !r.piiExamples.contains(where: { $0.kind == m.kind.rawValue }) {
                    r.piiExamples.append(PIIExample(kind: m.kind.rawValue, location: location(r, text: normalized, offset: m.range.lowerBound),
                                                    redacted: Excerpt.redact(Array(normalized[m.range]))))
                }
            }
            // Tokens.
            if tokenizer != nil {
                ids.removeAll(keepingCapacity: true)
                normalized.withUnsafeBufferPointer { encode($0, &ids) }
                countTokens(ids, textLength: normalized.count)
                tokensPerTurn.add(ids.count)
                roles[roleIndex].tokens += UInt64(ids.count)
                docTokens += ids.count
            }
            normalizedTurns.append(normalized)
        }
        if dialogue && turns.isEmpty {
            // A conversation without turns (`"messages": []`): counted as one empty turn, as the builder drops it.
            r.emptyTurns = 1
            if mark(.emptyTurn) { foundExamples[ProblemKind.emptyTurn.ordinal] = FindingExample(location: location(r), excerpt: "conversation has no turns") }
        }
        if dialogue {
            if saturated & (1 << UInt32(ProblemKind.roleOrder.ordinal)) != 0 {
                if RoleOrder.hasProblem(turns) { _ = mark(.roleOrder) } // saturated: no example
            } else if let problem = RecordCleaner.roleOrderProblem(turns) {
                if mark(.roleOrder) { foundExamples[ProblemKind.roleOrder.ordinal] = FindingExample(location: location(r), excerpt: problem) }
            }
        }
        if r.emptyTurns > 0 { if mark(.emptyTurn) { foundExamples[ProblemKind.emptyTurn.ordinal] = FindingExample(location: location(r), excerpt: "") } }
        scriptDocuments[Int(scanner.dominantScriptInPlace()) & 0xFF] += 1
        charsPerDocument.add(docChars)
        turnsPerDocument.add(turns.count)
        if tokenizer != nil {
            tokensPerDocument.add(docTokens)
            volume.tokens += UInt64(docTokens)
            if let seq = seqLen, docTokens > seq {
                if mark(.overSeqLen) { foundExamples[ProblemKind.overSeqLen.ordinal] = FindingExample(location: location(r), excerpt: "\(docTokens) tokens > \(seq)") }
            }
        }
        r.tokens = docTokens
        // Identity, near-duplicate signature, contamination (normalized text).
        let normRecord: Record
        if dialogue {
            if anyChanged {
                var t = turns
                for k in t.indices { t[k].content = normalizedTurns[k] }
                normRecord = .conversation(t)
            } else {
                normRecord = .conversation(turns) // normalization left every turn as it was: no copy
            }
        } else {
            normRecord = .document(normalizedTurns[0])
        }
        r.hash = ContentHash(record: normRecord)
        // One word stream (WordHasher words, gathered turn by turn above) for both the MinHash signature and the
        // contamination n-grams.
        evalScratch.withUnsafeBufferPointer { all in
            let words = UnsafeBufferPointer(rebasing: all[0..<wordCount])
            if let sig = minhasher.signature(words: words, scratch: &shingleScratch) {
                r.bandKeys = minhasher.bandKeys(sig)
            }
            if evalIndex != nil, let hits = evalIndex?.hits(words: words) { r.contamination = hits }
        }
        let first = normalizedTurns.first { !TextChecks.isBlank($0) } ?? normalizedTurns.first ?? []
        r.previewBytes = Array(first.prefix(DocResult.previewLength))
        if foundPresent != 0 {
            for (i, k) in ProblemKind.allCases.enumerated() where foundPresent & (1 << UInt32(i)) != 0 {
                r.problems.append((k, foundExamples[i]))
                foundExamples[i] = nil
            }
            foundPresent = 0
        }
        return r
    }

    /// Whether the document already has a problem of `kind`.
    @inline(__always) private func found(_ kind: ProblemKind) -> Bool { foundPresent & (1 << UInt32(kind.ordinal)) != 0 }

    /// Notes a problem of `kind` in the current document; true when the caller is to build its example (into
    /// `foundExamples[kind.ordinal]`): only the document's first of the kind, and none when the kind is saturated.
    @inline(__always) private mutating func mark(_ kind: ProblemKind) -> Bool {
        let bit: UInt32 = 1 << UInt32(kind.ordinal)
        if foundPresent & bit != 0 { return false }
        foundPresent |= bit
        return saturated & bit == 0
    }

    static func firstReplacement(_ t: [UInt8]) -> Int? {
        guard t.count >= 3 else { return nil }
        for i in 0...(t.count - 3) where t[i] == 0xEF && t[i + 1] == 0xBF && t[i + 2] == 0xBD { return i }
        return nil
    }

    static func firstNonASCII(_ t: [UInt8]) -> Int { t.firstIndex { $0 >= 0x80 } ?? 0 }

    /// Word 1-, 2- and 3-grams of the last scanned text (words as the scanner cut them), whose bytes start at
    /// `base` in `arena`: (key, text ref) pairs are queued through pointers, and each table takes a few thousand
    /// at a time in one prefetching pass (`flushNGrams`).
    private mutating func countNGrams(_ base: Int) {
        let n = scanner.wordCount
        if n == 0 { return }
        if queue1.count < 2 * (queued + n) {
            let c = 2 * max(queued + n, 16384)
            queue1 += [UInt64](repeating: 0, count: c - queue1.count)
            queue2 += [UInt64](repeating: 0, count: c - queue2.count)
            queue3 += [UInt64](repeating: 0, count: c - queue3.count)
        }
        var q1 = queued, q2 = queued2, q3 = queued3
        scanner.wordHashes.withUnsafeBufferPointer { h in
        scanner.wordStarts.withUnsafeBufferPointer { s in
        scanner.wordEnds.withUnsafeBufferPointer { e in
        queue1.withUnsafeMutableBufferPointer { u in
        queue2.withUnsafeMutableBufferPointer { b in
        queue3.withUnsafeMutableBufferPointer { t in
            for i in 0..<n {
                let end = Int(e[i])
                u[2 * q1] = h[i]
                u[2 * q1 + 1] = BatchCountTable.ref(start: base + Int(s[i]), length: end - Int(s[i]))
                q1 += 1
                if i >= 1 {
                    let k2 = StableHash.mix(h[i - 1] ^ 0x2B2B, h[i] | 1)
                    b[2 * q2] = k2
                    b[2 * q2 + 1] = BatchCountTable.ref(start: base + Int(s[i - 1]), length: end - Int(s[i - 1]))
                    q2 += 1
                    if i >= 2 {
                        t[2 * q3] = StableHash.mix(k2 ^ 0x3C3C, h[i - 2] | 1)
                        t[2 * q3 + 1] = BatchCountTable.ref(start: base + Int(s[i - 2]), length: end - Int(s[i - 2]))
                        q3 += 1
                    }
                }
            }
        }}}}}}
        queued = q1; queued2 = q2; queued3 = q3
        if queued >= 8192 { flushNGrams() }
    }

    /// Counts the queued n-grams into the batch tables.
    mutating func flushNGrams() {
        queue1.withUnsafeBufferPointer { out.unigrams.addAll(pairs: UnsafeBufferPointer(rebasing: $0[0..<(2 * queued)])) }
        queue2.withUnsafeBufferPointer { out.bigrams.addAll(pairs: UnsafeBufferPointer(rebasing: $0[0..<(2 * queued2)])) }
        queue3.withUnsafeBufferPointer { out.trigrams.addAll(pairs: UnsafeBufferPointer(rebasing: $0[0..<(2 * queued3)])) }
        queued = 0; queued2 = 0; queued3 = 0
        queueL.withUnsafeBufferPointer { out.lines.addAll(pairs: $0) }
        queueL.removeAll(keepingCapacity: true)
    }

    /// Non-empty lines (trimmed of ASCII spaces and tabs).
    private mutating func countLines(_ p: UnsafeBufferPointer<UInt8>, base: Int) {
        var start = 0
        let n = p.count
        while start < n {
            var end = start
            while end < n && p[end] != 0x0A { end += 1 }
            var lo = start, hi = end
            while lo < hi && (p[lo] == 0x20 || p[lo] == 0x09 || p[lo] == 0x0D) { lo += 1 }
            while hi > lo && (p[hi - 1] == 0x20 || p[hi - 1] == 0x09 || p[hi - 1] == 0x0D) { hi -= 1 }
            if hi > lo {
                let line = UnsafeBufferPointer(rebasing: p[lo..<hi])
                queueL.append(StableHash.hash(UnsafeRawBufferPointer(line), seed: 0x4C49_4E45))
                queueL.append(BatchCountTable.ref(start: base + lo, length: hi - lo))
            }
            start = end + 1
        }
    }

    /// Per-id counts, single-byte tokens, and per-script attribution through the scanner's byte scripts.
    private mutating func countTokens(_ ids: [UInt32], textLength: Int) {
        let scripts = scanner.byteScripts
        let common = UInt8(truncatingIfNeeded: ScriptTable.common), inherited = UInt8(truncatingIfNeeded: ScriptTable.inherited)
        var single: UInt64 = 0
        var aligned = true
        idStats.withUnsafeMutableBufferPointer { stats in
        scriptTokens.withUnsafeMutableBufferPointer { sTokens in
        scriptTokenBytes.withUnsafeMutableBufferPointer { sBytes in
        scripts.withUnsafeBufferPointer { bs in
            // One pass: per id its count and byte length share one cache line (the vocabulary table is larger than
            // the L2 cache), and each token is attributed to the script of its bytes on the assumption that the
            // tokens line up with the text — true for byte-level BPE, whose tokens spell the text exactly. Should
            // they not (their lengths do not add up to the text's), that attribution is taken back and every token
            // goes to the document's dominant script instead.
            let limit = bs.count
            /// The script of the first byte of `pos..<pos + len` with a specific script (else Common).
            @inline(__always) func tokenScript(_ pos: Int, _ len: Int) -> Int {
                var k = pos
                let end = min(pos + len, limit)
                while k < end {
                    let s = bs[k]
                    if s != common && s != inherited { return Int(s) }
                    k += 1
                }
                return Int(common)
            }
            func unattribute() {
                var pos = 0
                for id in ids {
                    let i = Int(id)
                    var len = 0
                    if i < stats.count { len = Int(stats[i] & 0xFFFF) }
                    let script = tokenScript(pos, len)
                    sTokens[script] &-= 1
                    sBytes[script] &-= UInt64(len)
                    pos += len
                }
            }
            var pos = 0
            // Loaded well ahead: most of this loop's time is waiting for these lines.
            let ahead = 16
            @inline(__always) func prefetch(_ k: Int) {
                if k < ids.count, let sb = stats.baseAddress, Int(ids[k]) < stats.count { ck_prefetch(sb + Int(ids[k])) }
            }
            for j in 0..<ahead { prefetch(j) }
            for (j, id) in ids.enumerated() {
                prefetch(j + ahead)
                let i = Int(id)
                var len = 0
                if i < stats.count {
                    let v = stats[i]
                    stats[i] = v &+ (1 << 16)
                    len = Int(v & 0xFFFF)
                }
                if len == 1 { single &+= 1 }
                let script = tokenScript(pos, len)
                sTokens[script] &+= 1
                sBytes[script] &+= UInt64(len)
                pos += len
            }
            if pos != textLength || limit != textLength {
                // Not aligned (rare): undo the attribution above (same tokens, same scripts, subtracted); every
                // token goes to the document's dominant script below.
                unattribute()
                aligned = false
            }
        }}}}
        if !aligned {
            var bytes = 0
            for id in ids where Int(id) < idStats.count { bytes += Int(idStats[Int(id)] & 0xFFFF) }
            let fallback = Int(scanner.dominantScriptInPlace()) & 0xFF
            scriptTokens[fallback] &+= UInt64(ids.count)
            scriptTokenBytes[fallback] &+= UInt64(bytes)
        }
        singleByteTokens += single
    }

    /// Adds another worker's totals.
    func mergeTotals(into w: inout AuditWorker) {
        w.volume.recordsIn += volume.recordsIn; w.volume.malformedRecords += volume.malformedRecords
        w.volume.documents += volume.documents; w.volume.turns += volume.turns; w.volume.bytes += volume.bytes
        w.volume.chars += volume.chars; w.volume.words += volume.words; w.volume.tokens += volume.tokens
        for k in 0..<4 { w.roles[k].add(roles[k]) }
        w.charsPerDocument.merge(charsPerDocument); w.turnsPerDocument.merge(turnsPerDocument)
        w.tokensPerDocument.merge(tokensPerDocument); w.tokensPerTurn.merge(tokensPerTurn)
        for s in 0..<ScriptTable.size {
            w.scriptDocuments[s] += scriptDocuments[s]; w.scriptTokens[s] += scriptTokens[s]
            w.scriptTokenBytes[s] += scriptTokenBytes[s]
            w.scanner.scriptChars[s] += scanner.scriptChars[s]; w.scanner.scriptWords[s] += scanner.scriptWords[s]
        }
        for i in 0..<idStats.count where idStats[i] >> 16 != 0 { w.idStats[i] &+= idStats[i] & ~0xFFFF }
        w.singleByteTokens += singleByteTokens
    }
}

/// One batch's order-dependent outputs, folded in batch order by `Auditor`: exact n-gram and line counts, their texts
/// in `arena` (the batch's normalized turns, appended), and the per-document results. A worker fills one while
/// earlier ones may still wait for their turn to be folded; they are recycled (tables and arrays keep their memory).
/// The tables hold their slots by reference (`HugePageMemory`): a copy shares them, so each output has one user at a
/// time (the worker filling it, the pipeline's queue, or the thread folding it).
struct BatchOutput {
    /// Sized for the usual 10–15 thousand distinct words of a 2 MiB batch (16,384 slots, 256 KiB: half the L2
    /// cache); a batch with more grows it once (tables are kept across batches).
    var unigrams = BatchCountTable(capacity: 1 << 13)
    var bigrams = BatchCountTable(capacity: 1 << 16)
    var trigrams = BatchCountTable(capacity: 1 << 17)
    var lines = BatchCountTable(capacity: 1 << 13)
    var arena: [UInt8] = []
    var results: [DocResult] = []

    mutating func reset() {
        unigrams.removeAll(); bigrams.removeAll(); trigrams.removeAll(); lines.removeAll()
        arena.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
    }
}
