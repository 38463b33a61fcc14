extension BPEModel {
    /// Pieces up to this many bytes use tiktoken's quadratic scan (fastest when short); longer ones a heap, so a
    /// 1 MB run of one letter stays O(n log n).
    static let linearLimit = 96

    /// Appends the ids of one pre-token.
    @inline(__always)
    func encodePiece(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt32], scratch: BPEScratch) {
        if n == 1 {
            let id = byteIds[Int(p[0])]
            if id != UInt32.max { out.append(id) }
            return
        }
        if ignoreMerges, let id = table.lookup(p, n) {
            out.append(id)
            return
        }
        if rule == .ranks && n <= BPEModel.linearLimit {
            mergeLinear(p, n, into: &out, scratch: scratch)
        } else {
            mergeHeap(p, n, into: &out, scratch: scratch)
        }
    }

    /// tiktoken's `byte_pair_merge`, ported exactly (ranks rule).
    @inline(__always)
    func mergeLinear(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt32], scratch: BPEScratch) {
        if scratch.starts.count < n + 1 {
            scratch.starts = [Int32](repeating: 0, count: n + 1)
            scratch.ranks = [UInt32](repeating: 0, count: n + 1)
        }
        scratch.starts.withUnsafeMutableBufferPointer { sb in
            scratch.ranks.withUnsafeMutableBufferPointer { rb in
                let starts = sb.baseAddress!, ranks = rb.baseAddress!
                let t = table
                for i in 0...n { starts[i] = Int32(i); ranks[i] = UInt32.max }
                for i in 0..<(n - 1) { ranks[i] = t.lookup(p + i, 2) ?? UInt32.max }
                var count = n + 1
                @inline(__always) func rankAt(_ i: Int) -> UInt32 {
                    if i + 3 < count {
                        let a = Int(starts[i])
                        return t.lookup(p + a, Int(starts[i + 3]) - a) ?? UInt32.max
                    }
                    return UInt32.max
                }
                while true {
                    var minRank = UInt32.max, mi = -1
                    for i in 0..<(count - 1) where ranks[i] < minRank { minRank = ranks[i]; mi = i }
                    if mi < 0 { break }
                    if mi > 0 { ranks[mi - 1] = rankAt(mi - 1) }
                    ranks[mi] = rankAt(mi)
                    // remove part mi + 1
                    var j = mi + 1
                    while j < count - 1 { starts[j] = starts[j + 1]; ranks[j] = ranks[j + 1]; j += 1 }
                    count -= 1
                }
                for i in 0..<(count - 1) {
                    let a = Int(starts[i])
                    let len = Int(starts[i + 1]) - a
                    if let id = len == 1 ? (byteIds[Int(p[a])] == UInt32.max ? nil : byteIds[Int(p[a])]) : t.lookup(p + a, len) {
                        out.append(id)
                    }
                }
            }
        }
    }

    /// Lowest-rank-first merging with a linked list and a binary heap of (rank << 32 | position); ties go to the
    /// leftmost position, as in tiktoken and HF. Serves both rules.
    func mergeHeap(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt32], scratch s: BPEScratch) {
        if s.ids.count < n {
            s.ids = [UInt32](repeating: 0, count: n)
            s.ends = [Int32](repeating: 0, count: n)
            s.next = [Int32](repeating: 0, count: n)
            s.prev = [Int32](repeating: 0, count: n)
            s.pairRank = [UInt32](repeating: 0, count: n)
            s.pairResult = [UInt32](repeating: 0, count: n)
        }
        s.heap.removeAll(keepingCapacity: true)
        // Initial symbols: one per byte that has a token (HF drops bytes without one when there is no unk token).
        var first: Int32 = -1, last: Int32 = -1
        for i in 0..<n {
            let id = byteIds[Int(p[i])]
            if id == UInt32.max { continue }
            s.ids[i] = id
            s.ends[i] = Int32(i + 1)
            s.prev[i] = last
            s.next[i] = -1
            if last >= 0 { s.next[Int(last)] = Int32(i) } else { first = Int32(i) }
            last = Int32(i)
        }
        if first < 0 { return }
        let t = table
        let rule = self.rule
        let pairs = self.pairs
        func computePair(_ i: Int) {
            let j = Int(s.next[i])
            var r = UInt32.max, res: UInt32 = 0
            if j >= 0 {
                if rule == .ranks {
                    if let id = t.lookup(p + i, Int(s.ends[j]) - i) { r = id; res = id }
                } else if let v = pairs?.get(UInt64(s.ids[i]) << 32 | UInt64(s.ids[j])) {
                    r = UInt32(truncatingIfNeeded: v >> 32); res = UInt32(truncatingIfNeeded: v)
                }
            }
            s.pairRank[i] = r
            s.pairResult[i] = res
            if r != UInt32.max { heapPush(&s.heap, UInt64(r) << 32 | UInt64(i)) }
        }
        var i = Int(first)
        while i >= 0 { computePair(i); i = Int(s.next[i]) }
        while let top = heapPop(&s.heap) {
            let r = UInt32(truncatingIfNeeded: top >> 32), i = Int(top & 0xFFFF_FFFF)
            let j = Int(s.next[i])
            // Stale entries: the node was absorbed (its prev no longer links to it) or its pair changed.
            if j < 0 || s.pairRank[i] != r || s.ends[i] < 0 { continue }
            s.ids[i] = s.pairResult[i]
            s.ends[i] = s.ends[j]
            s.ends[j] = -1
            let k = Int(s.next[j])
            s.next[i] = Int32(k)
            if k >= 0 { s.prev[k] = Int32(i) }
            computePair(i)
            let pv = Int(s.prev[i])
            if pv >= 0 { computePair(pv) }
        }
        i = Int(first)
        while i >= 0 { out.append(s.ids[i]); i = Int(s.next[i]) }
    }
}

@inline(__always) func heapPush(_ h: inout [UInt64], _ v: UInt64) {
    h.append(v)
    var i = h.count - 1
    while i > 0 {
        let parent = (i - 1) >> 1
        if h[parent] <= v { break }
        h[i] = h[parent]
        i = parent
    }
    h[i] = v
}

@inline(__always) func heapPop(_ h: inout [UInt64]) -> UInt64? {
    guard let top = h.first else { return nil }
    let last = h.removeLast()
    if h.isEmpty { return top }
    var i = 0
    let n = h.count
    while true {
        var c = 2 * i + 1
        if c >= n { break }
        if c + 1 < n && h[c + 1] < h[c] { c += 1 }
        if h[c] >= last { break }
        h[i] = h[c]
        i = c
    }
    h[i] = last
    return top
}
