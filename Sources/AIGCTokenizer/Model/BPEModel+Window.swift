extension BPEModel {
    /// Exact BPE of a giant piece in bounded memory: scratch for one window (`windowing.size` bytes), not for the
    /// whole piece, whose merge buffers would cost ~56 bytes per byte (a 200 MB line of letters: 11 GB).
    ///
    /// Why it is exact (the argument of github/rust-gems `bpe`, "Properties of BPE"): call a token sequence *valid*
    /// when BPE of its bytes gives it back. BPE is deterministic, so each text has exactly one valid sequence;
    /// any contiguous run of a valid sequence is valid for its own bytes (BPE never merged across its ends); and
    /// two valid sequences joined where the last token of one and the first of the other form a valid pair
    /// (BPE of their two tokens' bytes gives those two tokens) are valid together. So:
    /// 1. merge a window [s, s + size) on its own, and keep its tokens that end at least `margin` bytes before the
    ///    window's end: a run of a valid sequence, so valid for [s, e);
    /// 2. check the join with the previous window's kept tokens: BPE of the two tokens at the seam must give
    ///    them back (at most twice the longest token, merged on the spot);
    /// 3. if the seam is not a valid pair, the previous window's last token is not in the whole piece's encoding:
    ///    give it back and start the window at its start instead, and check again.
    /// Every seam of the result is checked, so the concatenation is valid for the whole piece: it is the piece's
    /// BPE, the same ids as merging it whole. Far from a window's end the window's tokens are the whole piece's,
    /// so in practice every seam holds at once. Should `maxRetries` seams in a row fail (no vocabulary tested
    /// does this), the rest of the piece is merged whole: exact, in memory proportional to that rest.
    ///
    /// Appends the piece's ids to `out`.
    @inline(never)
    func encodeWindowed(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch,
                        windowing w: BPEWindowing) {
        let from = out.count
        let seamsRetried = mergeWindows(p, n, scratch: scratch, windowing: w) { out.append(contentsOf: $0) }
        if seamsRetried == nil {
            out.truncate(to: from)
            mergePart(p, n, into: &out, scratch: scratch)
        }
    }

    /// The number of ids of the piece, keeping one window's ids at a time.
    @inline(never)
    func countWindowed(_ p: UnsafePointer<UInt8>, _ n: Int, scratch: BPEScratch, windowing w: BPEWindowing) -> Int {
        var count = 0
        if mergeWindows(p, n, scratch: scratch, windowing: w, emit: { count += $0.count }) != nil { return count }
        var all = IdBuffer(capacity: n)
        defer { all.deallocate() }
        mergePart(p, n, into: &all, scratch: scratch)
        return all.count
    }

    /// Hands the piece's ids to `emit` in order, window by window (each call at most one window's ids), and returns
    /// how many seams had to be moved back; nil if `maxRetries` seams in a row failed (then what was emitted is not
    /// the piece's encoding and the caller merges the piece whole). An error thrown by `emit` stops the merge.
    func mergeWindows(_ p: UnsafePointer<UInt8>, _ n: Int, scratch: BPEScratch, windowing w: BPEWindowing,
                      emit: ([UInt32]) throws -> Void) rethrows -> Int? {
        let size = w.size, margin = w.margin
        var pending: [UInt32] = []     // kept tokens of the last window, its seam with what follows not yet checked
        var window = IdBuffer(capacity: size + margin + 16)
        var pair = IdBuffer(capacity: 2 * table.maxKeyLength + 16)
        defer { window.deallocate(); pair.deallocate() }
        var s = 0                      // where the next window starts: the end of `pending`
        var retries = 0, moved = 0
        while true {
            let end = n - s <= size + margin ? n : s + size
            window.removeAll()
            mergePart(p + s, end - s, into: &window, scratch: scratch)
            if let last = pending.last, let first = window.first,
               !validPair(last, first, p + s - tokenLength(last), scratch: scratch, buffer: &pair) {
                // The previous window's last kept token is not in the piece's encoding: give it back.
                retries += 1
                moved += 1
                if retries > BPEModel.maxRetries || pending.count == 1 { return nil }
                s -= tokenLength(pending.removeLast())
                continue
            }
            retries = 0
            try emit(pending)
            pending.removeAll(keepingCapacity: true)
            if end == n {
                try emit(window.array())
                return moved
            }
            // Keep the tokens that end at least `margin` bytes before the window's end.
            var pos = s
            for id in window.ids {
                let l = tokenLength(id)
                if pos + l > end - margin { break }
                pos += l
                pending.append(id)
            }
            s = pos
        }
    }

    /// Seams that may fail in a row before the rest of a piece is merged whole.
    static let maxRetries = 64

    /// Byte length of a token.
    @inline(__always) func tokenLength(_ id: UInt32) -> Int { table.key(Int(id)).count }

    /// Whether BPE of the bytes of tokens `a` then `b` (at `p`, contiguous in the text) gives `[a, b]`.
    func validPair(_ a: UInt32, _ b: UInt32, _ p: UnsafePointer<UInt8>, scratch: BPEScratch, buffer: inout IdBuffer) -> Bool {
        buffer.removeAll()
        let n = tokenLength(a) + tokenLength(b)
        if rule == .ranks && n <= BPEModel.linearLimit { mergeLinear(p, n, into: &buffer, scratch: scratch) } else { mergeHeap(p, n, into: &buffer, scratch: scratch) }
        return buffer.count == 2 && buffer[0] == a && buffer[1] == b
    }

    /// Exact BPE of a part of a piece (no whole-token shortcut), any length: cut where no token can span (ranks
    /// rule), else one merge.
    func mergePart(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        if n <= BPEScratch.cacheKeyMax || rule != .ranks || !mergeCut(p, n, into: &out, scratch: scratch) {
            mergePure(p, n, into: &out, scratch: scratch)
        }
    }

    /// Test hook: the windowed encoding with a given window size and margin, and how many seams were moved back
    /// (nil: the piece was merged whole).
    package func encodeWindowedForTesting(_ bytes: [UInt8], size: Int, margin: Int) -> (ids: [UInt32], seamsMoved: Int?) {
        let w = BPEWindowing(maxTokenLength: table.maxKeyLength, everyByteHasToken: true, size: size, margin: margin)
        var out: [UInt32] = []
        var moved: Int?
        let s = BPEScratch()
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            moved = mergeWindows(base, b.count, scratch: s, windowing: w) { out.append(contentsOf: $0) }
            if moved == nil {
                var whole = IdBuffer(capacity: b.count)
                defer { whole.deallocate() }
                encodeWindowed(base, b.count, into: &whole, scratch: s, windowing: w)
                out = whole.array()
            }
        }
        return (out, moved)
    }

    /// Test hook: `countWindowed` with a given window size and margin.
    package func countWindowedForTesting(_ bytes: [UInt8], size: Int, margin: Int) -> Int {
        let w = BPEWindowing(maxTokenLength: table.maxKeyLength, everyByteHasToken: true, size: size, margin: margin)
        let s = BPEScratch()
        return bytes.withUnsafeBufferPointer { b in b.baseAddress.map { countWindowed($0, b.count, scratch: s, windowing: w) } ?? 0 }
    }

    /// Test hook: the window sizes of this model.
    package var windowingForTesting: (threshold: Int, size: Int, margin: Int) { (windowing.threshold, windowing.size, windowing.margin) }
}
