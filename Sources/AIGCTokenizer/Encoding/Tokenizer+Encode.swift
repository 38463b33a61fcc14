import AIGCCore
import AIGCText
import Foundation

extension Tokenizer {
    /// Below this many bytes one text is encoded on one thread.
    static let parallelThreshold = 1 << 18

    /// Encodes text with no special-token handling: special-token text is ordinary text.
    public func encodeOrdinary(_ text: String) -> [UInt32] {
        var s = text
        return s.withUTF8 { encodeOrdinary(bytes: $0) }
    }

    /// Encodes valid UTF-8 bytes with no special-token handling, in parallel for large inputs (same result).
    /// When the tokenizer's normalizer fails on the text (a `tokenizer.json` regex step over ICU's limits), the
    /// text is not encoded (no ids: never the raw text in its place) and `checkPreTokenizer()` throws the failure.
    public func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        if core.normalizer != nil {
            guard let normalized = normalizedOrRecorded(Array(bytes), trackOffsets: false) else { return [] }
            return normalized.bytes.withUnsafeBufferPointer { encodeNormalized($0) }
        }
        return encodeNormalized(bytes)
    }

    /// The normalizer's result for `bytes`, or nil after recording its failure for `checkPreTokenizer()`.
    func normalizedOrRecorded(_ bytes: [UInt8], trackOffsets: Bool) -> NormalizedText? {
        guard let nz = core.normalizer else { return NormalizedText(original: bytes, trackOffsets: trackOffsets) }
        do { return try nz.normalize(bytes: bytes, trackOffsets: trackOffsets) } catch {
            core.normalizationFailure.set(error)
            return nil
        }
    }

    /// `encodeOrdinary(bytes:)` into `out` (emptied first), reusing its storage: for callers that encode many short
    /// texts one after another (the audit encodes every turn), one allocation per thread instead of one per text.
    package func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
        if core.normalizer != nil || (threads > 1 && bytes.count >= Tokenizer.parallelThreshold && core.chunkable) {
            out = encodeOrdinary(bytes: bytes)
            return
        }
        out.removeAll(keepingCapacity: true)
        let pool = core.model.scratchPool
        let scratch = pool.take()
        encodeSegment(bytes, into: &out, scratch: scratch)
        pool.give(scratch)
    }

    /// Calls `body` with an encoder that appends `encodeOrdinary(bytes:)`'s ids to an array, one scratch held for
    /// all its calls: a corpus build encodes every turn of a record one after another, and a scratch taken and
    /// given back per turn (a lock each) plus a fresh array per turn were ~3% of its CPU. Same ids as
    /// `encodeOrdinary(bytes:)` (texts the normalizer or the parallel path handles go through it).
    package func withOrdinaryAppender<R>(_ body: ((UnsafeBufferPointer<UInt8>, inout [UInt32]) -> Void) -> R) -> R {
        let pool = core.model.scratchPool
        let scratch = pool.take()
        defer { pool.give(scratch) }
        let direct = core.normalizer == nil
        return body { bytes, out in
            if !direct || (threads > 1 && bytes.count >= Tokenizer.parallelThreshold && core.chunkable) {
                out.append(contentsOf: encodeOrdinary(bytes: bytes))
                return
            }
            encodeSegment(bytes, into: &out, scratch: scratch)
        }
    }

    /// Builds now what encoding long pieces needs (the split index, built lazily on the first piece over 32 bytes,
    /// ~7 ms for o200k_base). A caller about to encode a large text can do this while its input is still being read,
    /// instead of having every encoding thread wait for it at the start.
    package func prepareForLongText() {
        if core.model.rule == .ranks { _ = core.model.splitIndex.index }
    }

    /// Encodes text that has already been through the normalizer.
    func encodeNormalized(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        if threads > 1 && bytes.count >= Tokenizer.parallelThreshold && core.chunkable {
            return encodeParallel(bytes)
        }
        var out: [UInt32] = []
        let pool = core.model.scratchPool
        let scratch = pool.take()
        encodeSegment(bytes, into: &out, scratch: scratch)
        pool.give(scratch)
        return out
    }

    /// One segment (text between special tokens): HF prefix space, pre-tokenization, BPE.
    @inline(__always)
    func encodeSegment(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: BPEScratch) {
        if p.isEmpty { return }
        if core.hf.addPrefixSpace && p[0] != 0x20 {
            var withSpace = [UInt8](repeating: 0x20, count: p.count + 1)
            withSpace.withUnsafeMutableBufferPointer { w in _ = UnsafeMutableBufferPointer(rebasing: w[1...]).initialize(from: p) }
            withSpace.withUnsafeBufferPointer { encodePieces($0, into: &out, scratch: scratch) }
            return
        }
        encodePieces(p, into: &out, scratch: scratch)
    }

    /// The ids of `p` appended to `out`: gathered in the scratch's raw `output` buffer (cheap appends, see
    /// `IdBuffer`), then copied over at once.
    func encodePieces(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: BPEScratch) {
        scratch.output.removeAll()
        encodePieces(p, into: &scratch.output, scratch: scratch)
        out.append(contentsOf: scratch.output.ids)
        if scratch.output.capacity > BPEScratch.outputKeep {
            // A giant segment grew it: give the memory back rather than keep it with the pooled scratch.
            scratch.output.deallocate()
            scratch.output = IdBuffer(capacity: 1 << 14)
        }
    }

    @inline(__always)
    func encodePieces(_ p: UnsafeBufferPointer<UInt8>, into out: inout IdBuffer, scratch: BPEScratch) {
        guard let base = p.baseAddress else { return }
        let model = core.model
        switch core.pattern {
        case .cl100k where core.hf.usesPatternOnly:
            model.encodeSplit(base, into: &out, scratch: scratch) { CL100kScanner().split(p, $0) }
        case .o200k where core.hf.usesPatternOnly:
            model.encodeSplit(base, into: &out, scratch: scratch) { O200kScanner().split(p, $0) }
        case .gpt2 where core.hf.usesPatternOnly:
            model.encodeSplit(base, into: &out, scratch: scratch) { GPT2Scanner().split(p, $0) }
        default:
            model.encodeSplit(base, into: &out, scratch: scratch) { core.preTokenizer.split(p, $0) }
        }
    }

    /// Throws the first failure of an earlier encode: a pre-tokenizer split that failed (a tokenizer.json `Split`
    /// regex that exceeded the regex engine's time or stack limit), or a normalizer that failed on a text: the ids
    /// encoded since are incomplete. The non-throwing encoders (`encodeOrdinary`, `count`, `encodeWithOffsets`)
    /// leave this check to their caller; the throwing ones make it themselves.
    public func checkPreTokenizer() throws {
        if let f = core.preTokenizer.failure { throw f }
        try core.normalizationFailure.check()
    }

    /// Test hook: the chunked parallel path with a given chunk size (any size gives the same ids).
    package func encodeChunkedForTesting(_ text: String, target: Int) -> (ids: [UInt32], chunks: Int) {
        let b = Array(text.utf8)
        return b.withUnsafeBufferPointer { p in
            (encodeParallel(p, target: target), TextChunker.cuts(p, target: target).count)
        }
    }

    /// Cuts at safe offsets, encodes the chunks on `threads` threads, concatenates in order.
    func encodeParallel(_ p: UnsafeBufferPointer<UInt8>, target requested: Int? = nil) -> [UInt32] {
        let target = requested ?? max(1 << 16, min(1 << 20, p.count / (threads * 4)))
        let cuts = TextChunker.cuts(p, target: target)
        let results = core.model.scratchPool.map(count: cuts.count, threads: threads) { k, scratch -> [UInt32] in
            let a = k == 0 ? 0 : cuts[k - 1]
            var out: [UInt32] = []
            self.encodeSegment(UnsafeBufferPointer(rebasing: p[a..<cuts[k]]), into: &out, scratch: scratch)
            return out
        }
        var total = 0
        for r in results { total += r.count }
        var out: [UInt32] = []
        out.reserveCapacity(total)
        for r in results { out.append(contentsOf: r) }
        return out
    }

    /// Encodes text, recognizing the special tokens `allowedSpecial` allows. A special token's text that is not
    /// allowed is an error naming it and its byte offset (tiktoken's rule), unless `disallowedSpecial` is
    /// `.encodeAsText`.
    public func encode(_ text: String, allowedSpecial: SpecialTokenPolicy,
                       disallowedSpecial: DisallowedSpecialPolicy = .error) throws -> [UInt32] {
        var s = text
        return try s.withUTF8 { try encode(bytes: $0, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial) }
    }

    public func encode(bytes p: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenPolicy,
                       disallowedSpecial: DisallowedSpecialPolicy = .error) throws -> [UInt32] {
        var out: [UInt32] = []
        try encodeWithSpecials(p, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial) { seg in
            switch seg {
            case .text(let r): out.append(contentsOf: encodeOrdinary(bytes: UnsafeBufferPointer(rebasing: p[r])))
            case .special(let id, _): out.append(id)
            }
        }
        try checkPreTokenizer()
        return out
    }

    enum Segment { case text(Range<Int>), special(UInt32, Range<Int>) }

    /// Splits the text into ordinary segments and allowed special tokens, enforcing the disallowed rule.
    func encodeWithSpecials(_ p: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenPolicy,
                            disallowedSpecial: DisallowedSpecialPolicy, _ body: (Segment) -> Void) throws {
        if disallowedSpecial == .error {
            if let (off, e) = specials.next(in: p, from: 0, accept: { !allowedSpecial.allows($0.text) }) {
                throw AIGCError.input(location: "byte \(off)",
                                      message: "the text contains the special token \(e.text) which is not allowed; allow it or encode it as ordinary text")
            }
        }
        var start = 0
        var from = 0
        if allowedSpecial != .none {
            let flags = core.hf.addedTokens
            while let (off, e) = specials.next(in: p, from: from, accept: { allowedSpecial.allows($0.text) }) {
                var a = off, b = off + e.bytes.count
                if !flags.isEmpty, let f = flags.first(where: { $0.content == e.text }) {
                    // HF added-token flags: single_word matches only between non-word characters; lstrip/rstrip
                    // absorb the whitespace around the token.
                    if f.singleWord && (Tokenizer.isWordChar(before: a, in: p) || Tokenizer.isWordChar(at: b, in: p)) {
                        from = off + 1
                        continue
                    }
                    if f.lstrip { while a > start, let w = Tokenizer.whitespaceLength(before: a, in: p) { a -= w } }
                    if f.rstrip { while b < p.count, let w = Tokenizer.whitespaceLength(at: b, in: p) { b += w } }
                }
                if a > start { body(.text(start..<a)) }
                body(.special(e.id, a..<b))
                start = b
                from = start
            }
        }
        if start < p.count { body(.text(start..<p.count)) }
    }

    /// Number of tokens `encodeOrdinary` would give, without keeping the ids.
    public func count(_ text: String) -> Int {
        var s = text
        return s.withUTF8 { count(bytes: $0) }
    }

    public func count(bytes p: UnsafeBufferPointer<UInt8>) -> Int {
        if core.normalizer != nil || core.hf.addPrefixSpace || !core.hf.usesPatternOnly {
            // Streamed, one window of ids at a time. A normalizer or pre-tokenizer failure is recorded for the
            // caller's `checkPreTokenizer()`; a giant pre-token that cannot be merged window by window is
            // counted by merging the text whole.
            var n = 0
            do { try encodeOrdinary(bytes: p, emit: { n += $0.count }) } catch {
                if core.preTokenizer.failure != nil || core.normalizationFailure.error != nil { return n }
                return encodeOrdinary(bytes: p).count
            }
            return n
        }
        if threads > 1 && p.count >= Tokenizer.parallelThreshold && core.chunkable {
            let target = max(1 << 16, min(1 << 20, p.count / (threads * 4)))
            let cuts = TextChunker.cuts(p, target: target)
            let counts = core.model.scratchPool.map(count: cuts.count, threads: threads) { k, scratch -> Int in
                let a = k == 0 ? 0 : cuts[k - 1]
                return self.countSegment(UnsafeBufferPointer(rebasing: p[a..<cuts[k]]), scratch: scratch)
            }
            return counts.reduce(0, +)
        }
        let pool = core.model.scratchPool
        let scratch = pool.take()
        defer { pool.give(scratch) }
        return countSegment(p, scratch: scratch)
    }

    /// Tokens of one segment, keeping at most a few hundred ids at a time.
    func countSegment(_ p: UnsafeBufferPointer<UInt8>, scratch: BPEScratch) -> Int {
        guard let base = p.baseAddress else { return 0 }
        var total = 0
        var out = IdBuffer(capacity: 1024)
        defer { out.deallocate() }
        let model = core.model
        let windowed = model.windowing.threshold
        core.preTokenizer.split(p) { r in
            if r.count > windowed {
                total += model.countWindowed(base + r.lowerBound, r.count, scratch: scratch, windowing: model.windowing)
                return
            }
            model.encodePiece(base + r.lowerBound, r.count, into: &out, scratch: scratch)
            if out.count > 512 { total += out.count; out.removeAll() }
        }
        return total + out.count
    }

    /// Encodes many texts in parallel (`encode` with the given policies); results in input order.
    public func encodeBatch(_ texts: [String], allowedSpecial: SpecialTokenPolicy = .none,
                            disallowedSpecial: DisallowedSpecialPolicy = .encodeAsText) throws -> [[UInt32]] {
        let single = oneThread
        let all = try Parallel.map(texts.count, threads: threads) { i in
            try single.encode(texts[i], allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial)
        }
        try checkPreTokenizer()
        return all
    }
}

extension Tokenizer {
    static func isWordChar(at i: Int, in p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard i < p.count else { return false }
        let t = ScanText(p)
        let (c, _) = t.decode(i)
        return c == 0x5F || t.cls(c) & (CharClass.L | CharClass.N) != 0
    }

    static func isWordChar(before i: Int, in p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard i > 0 else { return false }
        var s = i - 1
        while s > 0 && i - s < 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        return isWordChar(at: s, in: p)
    }

    /// Byte length of the whitespace code point at `i`, or nil.
    static func whitespaceLength(at i: Int, in p: UnsafeBufferPointer<UInt8>) -> Int? {
        let t = ScanText(p)
        let (c, l) = t.decode(i)
        return t.cls(c) & CharClass.WS != 0 ? l : nil
    }

    /// Byte length of the whitespace code point ending at `i`, or nil.
    static func whitespaceLength(before i: Int, in p: UnsafeBufferPointer<UInt8>) -> Int? {
        var s = i - 1
        while s > 0 && i - s < 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        guard let l = whitespaceLength(at: s, in: p), s + l == i else { return nil }
        return l
    }
}
