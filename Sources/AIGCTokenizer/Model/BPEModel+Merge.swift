import CKernels
extension BPEModel {
    /// Pieces up to this many bytes use tiktoken's quadratic scan (fastest when short); longer ones a heap, so a
    /// 1 MB run of one letter stays O(n log n).
    static let linearLimit = 96

    /// Appends the ids of one pre-token.
    @inline(__always)
    func encodePiece(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        // Most pieces of real text are short and frequent: the small first-level cache answers them.
        throughShortCache(p, n, lengthTag: 0, into: &out, scratch: scratch) { encodePieceCached($0, $1, into: &$2, scratch: scratch) }
    }

    /// Encodes the pieces `split` finds in the text at `base`, each one piece after it was found: the next piece's
    /// cache lines are asked for (`prefetchPiece`) before the one before it is encoded. Same ids, same order.
    @inline(__always)
    func encodeSplit(_ base: UnsafePointer<UInt8>, into out: inout IdBuffer, scratch: BPEScratch,
                     _ split: ((Range<Int>) -> Void) -> Void) {
        var start = 0, count = 0
        split { r in
            prefetchPiece(base + r.lowerBound, r.count, scratch: scratch)
            if count > 0 { encodePiece(base + start, count, into: &out, scratch: scratch) }
            start = r.lowerBound
            count = r.count
        }
        if count > 0 { encodePiece(base + start, count, into: &out, scratch: scratch) }
    }

    /// The look-ahead of the pre-token loops (`Tokenizer.encodeSplit`): called one piece before `encodePiece`, it
    /// asks for the cache lines a first-level miss will read (the main cache's set and the vocabulary slot), so
    /// they arrive while the piece before is encoded instead of stalling this one. A piece the first-level cache
    /// holds (most of them) costs one L1/L2 probe here and nothing else; the encode itself is unchanged, so the ids
    /// are the same. (On a multilingual text the first-level cache misses more, and the main-cache probe after a
    /// miss was the single hottest instruction of a one-thread profile of the category mix.)
    @inline(__always)
    func prefetchPiece(_ p: UnsafePointer<UInt8>, _ n: Int, scratch: BPEScratch) {
        if n < 2 || n > BPEScratch.cacheKeyMax || n > windowing.threshold { return }
        if n <= BPEScratch.shortKeyMax && scratch.shortHit(BPEScratch.shortKey(p, n), n) != nil { return }
        let h = ByteKeyTable.hash(p, n)
        let set = scratch.cacheSet(h)
        ck_prefetch(set)
        ck_prefetch(set + 64)
        table.prefetchSlot(h)
    }

    /// The first steps shared by whole pieces and parts: a single byte is its byte token; a short piece goes
    /// through the small first-level cache, stored under length `n + lengthTag` (so pieces and parts never share
    /// entries); anything else, and a cache miss, through `cached`.
    @inline(__always)
    func throughShortCache(_ p: UnsafePointer<UInt8>, _ n: Int, lengthTag: Int, into out: inout IdBuffer, scratch: BPEScratch,
                           _ cached: (UnsafePointer<UInt8>, Int, inout IdBuffer) -> Void) {
        if n == 1 {
            let id = byteIds[Int(p[0])]
            if id != UInt32.max { out.append(id) }
            return
        }
        if n <= BPEScratch.shortKeyMax {
            let key = BPEScratch.shortKey(p, n)
            if scratch.cachedShort(key, n + lengthTag, into: &out) { return }
            let from = out.count
            cached(p, n, &out)
            scratch.rememberShort(key, n + lengthTag, ids: out, from: from)
            return
        }
        cached(p, n, &out)
    }

    /// `encodePiece` of a piece of 2 or more bytes through the main per-thread caches.
    @inline(__always)
    func encodePieceCached(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        if n > windowing.threshold {
            // A giant piece (a line of letters, a base64 blob): window by window, in bounded memory.
            encodeWindowed(p, n, into: &out, scratch: scratch, windowing: windowing)
            return
        }
        let h = ByteKeyTable.hash(p, n)
        let small = n <= BPEScratch.cacheKeyMax
        if small && scratch.cached(p, n, hash: h, into: &out) { return }
        // Pieces of up to 8 bytes and ASCII ones are usually tokens (words): straight to the vocabulary slot.
        // Longer non-ASCII pieces (emoji runs, mark stacks) and pieces over 32 bytes rarely are: the 256 KiB filter
        // turns most of them away from L2 instead of a cache miss in the multi-MB slot array (the slot probe was
        // ~4% of a one-thread profile of emoji text).
        let rare = n > BPEScratch.cacheKeyMax || (n > BPEScratch.shortKeyMax && BPEModel.hasNonASCII(p, n))
        if ignoreMerges, let id = rare ? table.lookup(p, n, hash: h) : table.lookupUnfiltered(p, n, hash: h) {
            out.append(id)
            if small { scratch.remember(p, n, hash: h, ids: out, from: out.count - 1) }
            return
        }
        if !small && scratch.cachedLong(p, n, hash: h, into: &out) { return }
        let from = out.count
        if rule == .ranks && n > BPEScratch.cacheKeyMax {
            // Long piece: cut where no token can span (see SplitIndex), BPE each part through the cache.
            if !mergeCut(p, n, into: &out, scratch: scratch) {
                // No cut: one whole merge, shared across threads.
                let key = SharedPieceCache.Key(bytes: Array(UnsafeBufferPointer(start: p, count: n)), hash: h)
                if let ids = sharedLong.get(key) {
                    out.append(contentsOf: ids)
                } else {
                    mergePure(p, n, into: &out, scratch: scratch)
                    sharedLong.put(key, out.array(from: from))
                }
                scratch.rememberLong(p, n, hash: h, ids: out, from: from)
            }
            // A piece that was cut is cheap again from its cached parts: the long caches keep uncut ones.
            return
        }
        if rule == .ranks && rare && mergeCut(p, n, into: &out, scratch: scratch) {
            // A 9…32-byte piece with non-ASCII bytes that missed the cache: a run of emoji, marks or controls, or a
            // word in a script the vocabulary covers poorly. Such pieces are mostly distinct (random combinations),
            // but their parts between cuts are a few thousand distinct characters and sequences: on the emoji
            // category (cl100k_base) ~6.5 parts per piece, 5.8 K distinct parts for 45 K distinct pieces, so the
            // parts hit the caches where the quadratic merge of each whole piece was ~24% of a one-thread profile.
            // ASCII pieces of this length (long words, identifiers) have no cut in 97% of cases on the latin file
            // and 44% on code, so they skip the test. (The split index is built on the first such piece, as on the
            // first piece over 32 bytes.)
            scratch.remember(p, n, hash: h, ids: out, from: from)
            return
        }
        if rule == .ranks && n <= BPEModel.linearLimit {
            mergeLinear(p, n, into: &out, scratch: scratch)
        } else {
            mergeHeap(p, n, into: &out, scratch: scratch)
        }
        if small { scratch.remember(p, n, hash: h, ids: out, from: from) } else { scratch.rememberLong(p, n, hash: h, ids: out, from: from) }
    }

    /// Whether p[0..<n] (n ≥ 8) has a byte ≥ 0x80: eight bytes per load (the last load overlaps the one before),
    /// instead of a branch per byte.
    @inline(__always)
    static func hasNonASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let raw = UnsafeRawPointer(p)
        var acc = ck_load_u64(raw, n - 8)
        var i = 0
        while i + 8 <= n {
            acc |= ck_load_u64(raw, i)
            i += 8
        }
        return acc & 0x8080_8080_8080_8080 != 0
    }

    /// Exact BPE of p[0..<n] (ranks rule, no whole-token shortcut) cut where no token can span (see
    /// `SplitIndex`), each part merged through the caches. Returns false, having appended nothing, when there is
    /// no cut: the caller merges the whole.
    func mergeCut(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) -> Bool {
        let idx = scratch.splitFilters(self)
        // Parts are at most n bytes, so merging them never reallocates the scratch (and `cuts`).
        scratch.reserve(n)
        let cuts = scratch.cuts
        let m = idx.cuts(p, n, into: cuts, flags: scratch.ranks)
        if m == 0 { return false }
        var a = 0
        for j in 0..<m {
            let k = Int(cuts[j])
            mergePure(p + a, k - a, into: &out, scratch: scratch)
            a = k
        }
        mergePure(p + a, n - a, into: &out, scratch: scratch)
        return true
    }

    /// Plain byte-pair merging of a part of a piece (no whole-token shortcut: tiktoken applies that to whole
    /// pieces only), cached under a distinct hash.
    @inline(__always)
    func mergePure(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        // Short parts (a CJK character or two) through the first-level cache, in their own key space: the stored
        // length is n + 16, never equal to a whole piece's.
        throughShortCache(p, n, lengthTag: 16, into: &out, scratch: scratch) { mergePureCached($0, $1, into: &$2, scratch: scratch) }
    }

    @inline(__always)
    func mergePureCached(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        let h = ByteKeyTable.hash(p, n) ^ 0x5DEE_CE66_D1CE_4E5B
        let small = n <= BPEScratch.cacheKeyMax
        if small && scratch.cached(p, n, hash: h, into: &out) { return }
        let from = out.count
        if n <= BPEModel.linearLimit { mergeLinear(p, n, into: &out, scratch: scratch) } else { mergeHeap(p, n, into: &out, scratch: scratch) }
        if small { scratch.remember(p, n, hash: h, ids: out, from: from) }
    }

    /// Test hook: one piece through the quadratic (`linear: true`, ranks rule only) or the heap algorithm, no cache.
    package func mergeForTesting(_ bytes: [UInt8], linear: Bool) -> [UInt32] {
        var out = IdBuffer(capacity: bytes.count)
        defer { out.deallocate() }
        let s = BPEScratch()
        bytes.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress, b.count >= 2 else {
                if let x = b.first, byteIds[Int(x)] != UInt32.max { out.append(byteIds[Int(x)]) }
                return
            }
            if linear { mergeLinear(p, b.count, into: &out, scratch: s) } else { mergeHeap(p, b.count, into: &out, scratch: s) }
        }
        return out.array()
    }

    /// Test hook: the offsets where a long piece would be cut (`SplitIndex.cuts`, ranks rule).
    package func splitCutsForTesting(_ bytes: [UInt8]) -> [Int] {
        guard bytes.count >= 2 else { return [] }
        let s = BPEScratch()
        s.reserve(bytes.count)
        let m = bytes.withUnsafeBufferPointer { b in
            splitIndex.index.cuts(b.baseAddress!, b.count, into: s.cuts, flags: s.ranks)
        }
        return (0..<m).map { Int(s.cuts[$0]) }
    }

    /// Test hook: the longest token, in bytes.
    package var longestTokenForTesting: Int { table.maxKeyLength }

    /// The id of the concatenation of two adjacent parts (ids `a`, `b`; bytes `p[0..<len]`), or UInt32.max when
    /// it is not a token (ranks rule). Every part is a token, so the id pair identifies the bytes: the per-thread
    /// memo answers repeated pairs (runs, the common pairs of a script) without hashing the bytes or probing the
    /// multi-MB vocabulary table; strings longer than the longest token are never looked up.
    @inline(__always)
    func mergedId(_ a: UInt32, _ b: UInt32, _ p: UnsafePointer<UInt8>, _ len: Int, memo: UnsafeMutablePointer<UInt64>) -> UInt32 {
        if len > table.maxKeyLength { return UInt32.max }
        if a == UInt32.max || b == UInt32.max || !memoFits { return table.lookup(p, len) ?? UInt32.max }
        let tag = 1 << 40 | UInt64(a) << 20 | UInt64(b)
        let slot = BPEScratch.memoSlot(tag)
        let e = memo[slot]
        if e >> 21 == tag {
            let r = UInt32(truncatingIfNeeded: e & 0x1F_FFFF)
            return r == 0x1F_FFFF ? UInt32.max : r
        }
        let r = table.lookup(p, len) ?? UInt32.max
        memo[slot] = tag << 21 | (r == UInt32.max ? 0x1F_FFFF : UInt64(r))
        return r
    }

    /// tiktoken's `byte_pair_merge`, ported exactly (ranks rule). Reached only on a cache miss, so a call costs
    /// nothing measurable; not inlined, because every pre-tokenizer loop inlines the piece path twice and the copies
    /// made the release build of this module several times slower.
    @inline(never)
    func mergeLinear(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch: BPEScratch) {
        scratch.reserve(n)
        let starts = scratch.starts, ranks = scratch.ranks, ids = scratch.ids, memo = scratch.memo
        let pairs2 = pair2
        for i in 0...n { starts[i] = Int32(i); ranks[i] = UInt32.max }
        for i in 0..<n { ids[i] = byteIds[Int(p[i])] }
        for i in 0..<(n - 1) { ranks[i] = pairs2[Int(p[i]) << 8 | Int(p[i + 1])] }
        var count = n + 1
        while true {
            var minRank = UInt32.max, mi = -1
            var i = 0
            while i < count - 1 {
                if ranks[i] < minRank { minRank = ranks[i]; mi = i }
                i += 1
            }
            if mi < 0 { break }
            // The merged part's id is the rank of its bytes (rank = id in this rule).
            ids[mi] = minRank
            if mi > 0 {
                let a = Int(starts[mi - 1])
                ranks[mi - 1] = mergedId(ids[mi - 1], minRank, p + a, Int(starts[mi + 2]) - a, memo: memo)
            }
            if mi + 3 < count {
                let a = Int(starts[mi])
                ranks[mi] = mergedId(minRank, ids[mi + 2], p + a, Int(starts[mi + 3]) - a, memo: memo)
            } else {
                ranks[mi] = UInt32.max
            }
            // remove part mi + 1
            var j = mi + 1
            while j < count - 1 { starts[j] = starts[j + 1]; ranks[j] = ranks[j + 1]; ids[j] = ids[j + 1]; j += 1 }
            count -= 1
        }
        for i in 0..<(count - 1) where ids[i] != UInt32.max { out.append(ids[i]) }
    }

    /// Lowest-rank-first merging with a linked list and a binary heap of (rank << 32 | position); ties go to the
    /// leftmost position, as in tiktoken and HF. Serves both rules.
    func mergeHeap(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout IdBuffer, scratch s: BPEScratch) {
        s.reserve(n)
        s.heapReset()
        let ids = s.ids, ends = s.ends, next = s.next, prev = s.prev, pairRank = s.pairRank, pairResult = s.pairResult
        // Initial symbols: one per byte that has a token (HF drops bytes without one when there is no unk token).
        var first: Int32 = -1, last: Int32 = -1
        for i in 0..<n {
            let id = byteIds[Int(p[i])]
            if id == UInt32.max { continue }
            ids[i] = id
            ends[i] = Int32(i + 1)
            prev[i] = last
            next[i] = -1
            if last >= 0 { next[Int(last)] = Int32(i) } else { first = Int32(i) }
            last = Int32(i)
        }
        if first < 0 { return }
        let memo = s.memo
        let ranksRule = rule == .ranks
        let pairs = self.pairs
        let pairs2 = pair2
        @inline(__always) func computePair(_ i: Int) {
            let j = Int(next[i])
            var r = UInt32.max, res: UInt32 = 0
            if j >= 0 {
                if ranksRule {
                    let len = Int(ends[j]) - i
                    let id = len == 2 ? pairs2[Int(p[i]) << 8 | Int(p[i + 1])] : mergedId(ids[i], ids[j], p + i, len, memo: memo)
                    if id != UInt32.max { r = id; res = id }
                } else if let v = pairs?.get(UInt64(ids[i]) << 32 | UInt64(ids[j])) {
                    r = UInt32(truncatingIfNeeded: v >> 32); res = UInt32(truncatingIfNeeded: v)
                }
            }
            pairRank[i] = r
            pairResult[i] = res
            if r != UInt32.max { s.heapPush(UInt64(r) << 32 | UInt64(i)) }
        }
        var i = Int(first)
        while i >= 0 { computePair(i); i = Int(next[i]) }
        while let top = s.heapPop() {
            let r = UInt32(truncatingIfNeeded: top >> 32), i = Int(top & 0xFFFF_FFFF)
            let j = Int(next[i])
            // Stale entries: the node was absorbed (ends < 0) or its pair changed.
            if j < 0 || pairRank[i] != r || ends[i] < 0 { continue }
            ids[i] = pairResult[i]
            ends[i] = ends[j]
            ends[j] = -1
            let k = Int(next[j])
            next[i] = Int32(k)
            if k >= 0 { prev[k] = Int32(i) }
            computePair(i)
            let pv = Int(prev[i])
            if pv >= 0 { computePair(pv) }
        }
        i = Int(first)
        while i >= 0 { out.append(ids[i]); i = Int(next[i]) }
    }
}
