import AIGCCore
import Foundation

/// Encoding handed to the caller window by window, so a writer holds a bounded number of ids whatever the length of
/// the text or of its longest line or pre-token (`aigc encode` on a 200 MB line without a newline or a space). The
/// concatenation of the emitted arrays is always exactly `encodeOrdinary(bytes:)` (or `encode(bytes:…)`).
///
/// Bounds: the chunked parallel path emits one chunk's ids at a time (a chunk is at most `longChunk` bytes, so at
/// most that many ids) with at most `Parallel.stream`'s `ahead` chunks waiting; text that cannot be cut (no safe
/// cut over `longChunk` bytes, e.g. a line of letters) goes through `encodeSegmentStreaming`, which emits when
/// `window` ids have gathered: at most `window` plus one pre-token's ids (a pre-token over the windowing threshold
/// is itself emitted one BPE window at a time).
extension Tokenizer {
    /// Ids gathered before they are handed over, by default.
    package static let emitWindow = 1 << 16

    /// `encodeOrdinary(bytes:)` handed to `emit` in pieces, in text order: a large text is cut at safe boundaries
    /// (see `TextChunker`) and its chunks encoded on `threads` threads; each chunk's ids are emitted as soon as it
    /// and all chunks before it are done, so a caller writes ids while later chunks are still being encoded; text
    /// without safe cuts is encoded on one thread and emitted window by window. The concatenation of the emitted
    /// arrays equals `encodeOrdinary(bytes:)` for any thread count; memory for ids stays bounded for any text.
    /// `emit` runs on one thread at a time; its first error stops the run and is rethrown, as is a pre-tokenizer or
    /// normalizer failure (`checkPreTokenizer`).
    public func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>, emit: ([UInt32]) throws -> Void) throws {
        try encodeOrdinaryStreaming(bytes, window: Tokenizer.emitWindow, emit: emit)
    }

    /// `encode(bytes:allowedSpecial:disallowedSpecial:)` handed to `emit` in pieces, in text order, each ordinary
    /// segment as `encodeOrdinary(bytes:emit:)` streams it (bounded memory for any segment length).
    public func encode(bytes p: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenPolicy,
                       disallowedSpecial: DisallowedSpecialPolicy = .error,
                       emit: ([UInt32]) throws -> Void) throws {
        var failure: Error?
        try encodeWithSpecials(p, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial) { seg in
            if failure != nil { return }
            do {
                switch seg {
                case .text(let r): try encodeOrdinary(bytes: UnsafeBufferPointer(rebasing: p[r]), emit: emit)
                case .special(let id, _): try emit([id])
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        try checkPreTokenizer()
    }

    func encodeOrdinaryStreaming(_ bytes: UnsafeBufferPointer<UInt8>, window: Int,
                                 emit: ([UInt32]) throws -> Void) throws {
        func checked(_ ids: [UInt32]) throws {
            try checkPreTokenizer()
            try emit(ids)
        }
        if core.normalizer != nil {
            guard let normalized = normalizedOrRecorded(Array(bytes), trackOffsets: false) else {
                try checkPreTokenizer()
                return
            }
            try normalized.bytes.withUnsafeBufferPointer { try encodeNormalizedStreaming($0, window: window, emit: checked) }
        } else {
            try encodeNormalizedStreaming(bytes, window: window, emit: checked)
        }
        try checkPreTokenizer()
    }

    func encodeNormalizedStreaming(_ p: UnsafeBufferPointer<UInt8>, window: Int, emit: ([UInt32]) throws -> Void) throws {
        // Chunked on one thread too: a chunk goes through `encodeSegment`, whose per-piece loop is several times
        // cheaper than the window-by-window loop below (that one pays for its flush bookkeeping on every piece:
        // captured state, exclusivity checks, a `Tokenizer` copy; 35% of a one-thread `aigc encode` profile).
        if p.count >= Tokenizer.parallelThreshold && core.chunkable {
            try encodeStreaming(p, target: max(1 << 16, min(1 << 18, p.count / (threads * 8))), window: window, emit: emit)
            return
        }
        let pool = core.model.scratchPool
        let scratch = pool.take()
        defer { pool.give(scratch) }
        try encodeSegmentStreaming(p, offset: 0, window: window, scratch: scratch, emit: emit)
    }

    /// Chunks longer than this found no safe cut (a line of letters, CJK without spaces): encoded on one thread
    /// and emitted window by window instead of as one result.
    static func longChunk(target: Int) -> Int { 4 * max(target, 1 << 16) }

    /// The chunked streaming path. Chunks of 64–256 KiB by default, at least 8 per thread: small enough that the
    /// threads finish together and the first ids are ready early, large enough that cutting and scheduling cost
    /// nothing. Runs of ordinary chunks go through `Parallel.stream`; a long chunk (no safe cut) is streamed on
    /// this thread.
    func encodeStreaming(_ bytes: UnsafeBufferPointer<UInt8>, target: Int, window: Int = Tokenizer.emitWindow,
                         emit: ([UInt32]) throws -> Void) throws {
        let cuts = TextChunker.cuts(bytes, target: target)
        let long = Tokenizer.longChunk(target: target)
        func start(_ k: Int) -> Int { k == 0 ? 0 : cuts[k - 1] }
        var k = 0
        while k < cuts.count {
            if cuts[k] - start(k) > long {
                let pool = core.model.scratchPool
                let scratch = pool.take()
                defer { pool.give(scratch) }
                try encodeSegmentStreaming(UnsafeBufferPointer(rebasing: bytes[start(k)..<cuts[k]]), offset: start(k),
                                           window: window, scratch: scratch, emit: emit)
                k += 1
                continue
            }
            var e = k + 1
            while e < cuts.count && cuts[e] - start(e) <= long { e += 1 }
            let first = k
            try core.model.scratchPool.stream(count: e - k, threads: threads, { j, scratch -> [UInt32] in
                let a = start(first + j), b = cuts[first + j]
                var out: [UInt32] = []  // sized by the one copy from the scratch's id buffer: no reserve to outgrow
                self.encodeSegment(UnsafeBufferPointer(rebasing: bytes[a..<b]), into: &out, scratch: scratch)
                return out
            }, emit: emit)
            k = e
        }
    }

    /// `encodeSegment` handed to `emit` whenever `window` ids have gathered (and at the end): at most `window` plus
    /// one pre-token's ids at a time; a giant pre-token is merged window by window (`BPEModel.mergeWindows`) and
    /// its ids flushed as they come. `offset` is where `p` starts in the text (for messages).
    func encodeSegmentStreaming(_ p: UnsafeBufferPointer<UInt8>, offset: Int, window: Int, scratch: BPEScratch,
                                emit: ([UInt32]) throws -> Void) throws {
        if p.isEmpty { return }
        if core.hf.addPrefixSpace && p[0] != 0x20 {
            var withSpace = [UInt8](repeating: 0x20, count: p.count + 1)
            withSpace.withUnsafeMutableBufferPointer { w in _ = UnsafeMutableBufferPointer(rebasing: w[1...]).initialize(from: p) }
            try withSpace.withUnsafeBufferPointer {
                try encodePiecesStreaming($0, offset: offset - 1, window: window, scratch: scratch, emit: emit)
            }
            return
        }
        try encodePiecesStreaming(p, offset: offset, window: window, scratch: scratch, emit: emit)
    }

    func encodePiecesStreaming(_ p: UnsafeBufferPointer<UInt8>, offset: Int, window: Int, scratch: BPEScratch,
                               emit: ([UInt32]) throws -> Void) throws {
        guard let base = p.baseAddress else { return }
        let model = core.model
        let giant = model.windowing.threshold
        var out = IdBuffer(capacity: min(window, p.count) + 16)
        defer { out.deallocate() }
        var failure: Error?
        func flush() throws {
            try emit(out.array())
            out.removeAll()
        }
        func piece(_ r: Range<Int>) {
            if failure != nil { return }
            do {
                if r.count > giant {
                    let from = out.count
                    var flushed = false
                    let moved = try model.mergeWindows(base + r.lowerBound, r.count, scratch: scratch, windowing: model.windowing) { ids in
                        out.append(contentsOf: ids)
                        if out.count >= window { try flush(); flushed = true }
                    }
                    if moved == nil {
                        // The windows did not join (no vocabulary tested does this): merge the piece whole if none
                        // of it was handed over yet; else the ids already written cannot be taken back.
                        guard !flushed else {
                            throw AIGCError.input(location: "byte \(offset + r.lowerBound)",
                                                  message: "a pre-token of \(r.count) bytes could not be merged window by window (\(BPEModel.maxRetries) seams in a row failed) and is too long to encode in bounded memory")
                        }
                        out.truncate(to: from)
                        model.mergePart(base + r.lowerBound, r.count, into: &out, scratch: scratch)
                    }
                } else {
                    model.encodePiece(base + r.lowerBound, r.count, into: &out, scratch: scratch)
                }
                if out.count >= window { try flush() }
            } catch { failure = error }
        }
        switch core.pattern {
        case .cl100k where core.hf.usesPatternOnly: CL100kScanner().split(p, piece)
        case .o200k where core.hf.usesPatternOnly: O200kScanner().split(p, piece)
        case .gpt2 where core.hf.usesPatternOnly: GPT2Scanner().split(p, piece)
        default: core.preTokenizer.split(p, piece)
        }
        if let failure { throw failure }
        if !out.isEmpty { try emit(out.array()) }
    }

    /// Test hook: `encodeOrdinary(bytes:emit:)` with a given window; the concatenated ids, the number of arrays
    /// emitted and the longest one.
    package func encodeOrdinaryStreamingForTesting(_ bytes: [UInt8], window: Int) throws -> (ids: [UInt32], emits: Int, longest: Int) {
        var ids: [UInt32] = []
        var emits = 0, longest = 0
        try bytes.withUnsafeBufferPointer { p in
            try encodeOrdinaryStreaming(p, window: window) { chunk in
                ids.append(contentsOf: chunk)
                emits += 1
                longest = max(longest, chunk.count)
            }
        }
        return (ids, emits, longest)
    }

    /// Test hook: the streaming path with a given chunk size; the concatenated ids and the number of chunks emitted.
    /// With `failAt`, emitting chunk number `failAt` (0-based) throws `StreamingTestStop` instead; the ids and
    /// count emitted before it are returned in the error.
    package func encodeStreamingForTesting(_ text: String, target: Int, failAt: Int? = nil) throws -> (ids: [UInt32], chunks: Int) {
        var ids: [UInt32] = []
        var chunks = 0
        let b = Array(text.utf8)
        do {
            try b.withUnsafeBufferPointer { p in
                try encodeStreaming(p, target: target) { chunk in
                    if chunks == failAt { throw StreamingTestStop(ids: ids, chunks: chunks) }
                    ids.append(contentsOf: chunk)
                    chunks += 1
                }
            }
        } catch let stop as StreamingTestStop {
            // Nothing may be emitted after the failing chunk.
            throw StreamingTestStop(ids: stop.ids, chunks: chunks)
        }
        return (ids, chunks)
    }

    package struct StreamingTestStop: Error {
        package let ids: [UInt32]
        package let chunks: Int
    }
}
