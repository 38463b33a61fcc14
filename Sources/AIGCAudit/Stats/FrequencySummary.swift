import CKernels

/// Frequent keys (n-grams, lines) in bounded memory, by lossy counting (Manku & Motwani 2002) over exact batch
/// counts: batch tables are merged into one `CountTable`; when it holds more than `capacity` keys, every key counted
/// at most `t` times is dropped, with `t` the smallest threshold that halves the table, and `t` is added to
/// `errorBound`. A key's true count is then between its reported count and `count + errorBound` (exact while
/// nothing was ever dropped), and every key with a true count above `errorBound` is still present. Merging and
/// pruning depend only on the data and the batch boundaries, never on the thread count.
public struct FrequencySummary: Sendable {
    public let capacity: Int
    public private(set) var table = CountTable()
    public private(set) var errorBound: UInt64 = 0

    /// Bloom filter of the keys in `table` (two bits per key, both in one 64-bit word so a check is one load that
    /// can be prefetched; at least 8 bits per key of capacity): most keys of a batch are absent from the summary,
    /// and this says so without probing the table.
    private var bloom: [UInt64]
    /// Number of words in `bloom` minus one.
    private let bloomMask: Int
    /// Per batch: copies of the batch slots whose key may be in the summary, and of those whose key is not and
    /// is kept (reused; copied because the batch table is far larger than the caches and read once, in order).
    private var maybe: [BatchCountTable.Slot] = []
    private var fresh: [BatchCountTable.Slot] = []
    /// Scratch of `countAt(rank:)`.
    private var histScratch: [Int] = []
    private var largeScratch: [UInt64] = []

    public init(capacity: Int) {
        self.capacity = max(16, capacity)
        var bits = 1 << 12
        while bits < self.capacity * 8 { bits <<= 1 }
        bloom = [UInt64](repeating: 0, count: bits / 64)
        bloomMask = bits / 64 - 1
    }

    public mutating func add(_ batch: CountTable) {
        table.merge(batch)
        if table.count > capacity { prune() } else { rebuildBloom() }
    }

    /// The key's bloom word and its two bits in it.
    @inline(__always) private static func bloomBits(_ rawKey: UInt64, _ mask: Int) -> (word: Int, bits: UInt64) {
        let key = rawKey == 0 ? 1 : rawKey
        return (Int(truncatingIfNeeded: key >> 40) & mask, 1 << (key & 63) | 1 << ((key >> 6) & 63))
    }

    private mutating func setBloom(_ key: UInt64) {
        let (w, bits) = Self.bloomBits(key, bloomMask)
        bloom[w] |= bits
    }

    private mutating func rebuildBloom() {
        var b = bloom
        bloom = []
        let mask = bloomMask
        b.withUnsafeMutableBufferPointer { w in
            for i in w.indices { w[i] = 0 }
            table.forEachKey { k in
                let (i, bits) = Self.bloomBits(k, mask)
                w[i] |= bits
            }
        }
        bloom = b
    }

    /// Adds one whole batch's exact counts (texts in `arena`). When the batch would overflow the summary, its keys
    /// seen only once in the batch and not already in the summary are dropped up front (they are the bulk of
    /// a batch's distinct n-grams, and would be the first pruned): each such key loses at most one occurrence, so
    /// `errorBound` grows by 1 for that batch and both guarantees above still hold. Batches are cut by the reader,
    /// never by thread, so this depends only on the data.
    package mutating func add(_ batch: BatchCountTable, arena: UnsafeBufferPointer<UInt8>) {
        let filter = table.count + batch.count > capacity
        var dropped = false
        let slots = batch.slots
        let mask = bloomMask
        // Keys are distinct within a batch, so the order they are added in changes nothing (the table's results do
        // not depend on insertion order). Pass 1 sorts the batch's keys by the Bloom filter, its words prefetched
        // a few slots ahead; pass 2 probes the maybe-present keys, their summary slots prefetched; pass 3 adds the
        // new keys with their texts.
        maybe.removeAll(keepingCapacity: true)
        fresh.removeAll(keepingCapacity: true)
        bloom.withUnsafeBufferPointer { bp in
            guard let bloomBase = bp.baseAddress else { return }
            let ahead = 16
            for i in 0..<min(ahead, slots.count) where slots[i].key != 0 { ck_prefetch(bloomBase + Self.bloomBits(slots[i].key, mask).word) }
            let far = 64
            for i in 0..<slots.count {
                if i & 3 == 0 && i + far < slots.count, let b = slots.baseAddress { ck_prefetch(b + i + far) }
                if i + ahead < slots.count, slots[i + ahead].key != 0 {
                    ck_prefetch(bloomBase + Self.bloomBits(slots[i + ahead].key, mask).word)
                }
                let s = slots[i]
                if s.key == 0 { continue }
                let (w, bits) = Self.bloomBits(s.key, mask)
                if bp[w] & bits == bits {
                    maybe.append(s)
                } else if filter && s.count == 1 {
                    dropped = true
                } else {
                    fresh.append(s)
                }
            }
        }
        let ahead = 16
        for j in 0..<min(ahead, maybe.count) { table.prefetch(maybe[j].key) }
        for j in 0..<maybe.count {
            if j + ahead < maybe.count { table.prefetch(maybe[j + ahead].key) }
            let s = maybe[j]
            if table.increment(s.key, by: UInt64(s.count)) { continue }
            if filter && s.count == 1 { dropped = true } else { fresh.append(s) }
        }
        // New keys: each needs its summary slot, its packed text range and its text, all likely misses; they are
        // loaded in two stages ahead (the range must be in cache before the text's address is known).
        let far = 16, near = 8
        for j in 0..<min(far, fresh.count) { batch.prefetchRef(fresh[j].ref); table.prefetch(fresh[j].key) }
        for j in 0..<min(near, fresh.count) { prefetchText(batch.textRange(fresh[j].ref), arena) }
        for j in 0..<fresh.count {
            if j + far < fresh.count { batch.prefetchRef(fresh[j + far].ref); table.prefetch(fresh[j + far].key) }
            if j + near < fresh.count { prefetchText(batch.textRange(fresh[j + near].ref), arena) }
            let s = fresh[j]
            let r = batch.textRange(s.ref)
            table.add(s.key, by: UInt64(s.count)) { UnsafeBufferPointer(rebasing: arena[r]) }
            setBloom(s.key)
        }
        if dropped { errorBound += 1 }
        if table.count > capacity { prune() }
    }

    @inline(__always) private func prefetchText(_ r: Range<Int>, _ arena: UnsafeBufferPointer<UInt8>) {
        if r.lowerBound < arena.count, let b = arena.baseAddress { ck_prefetch(b + r.lowerBound) }
    }

    private mutating func prune() {
        // Keep at most half the capacity: drop everything counted <= t, t the count at this rank (ascending).
        let t = countAt(rank: max(0, table.count - capacity / 2 - 1))
        table.removeAll(countedAtMost: t)
        errorBound += t
        rebuildBloom()
    }

    /// The value at `rank` of the table's counts sorted ascending: a histogram for small counts (nearly all of
    /// them), a sort only of the large ones.
    private mutating func countAt(rank: Int) -> UInt64 {
        let buckets = 1024
        var hist = histScratch, large = largeScratch
        histScratch = []; largeScratch = []
        defer { histScratch = hist; largeScratch = large }
        table.countHistogram(buckets: buckets, into: &hist, large: &large)
        var seen = 0
        for v in 0..<buckets {
            seen += hist[v]
            if seen > rank { return UInt64(v) }
        }
        large.sort()
        return large[rank - seen]
    }

    /// The `k` most frequent keys with a reported count of at least `minimumCount`.
    public func top(_ k: Int, minimumCount: UInt64 = 1) -> [(key: UInt64, count: UInt64, error: UInt64, text: [UInt8])] {
        table.top(k, minimumCount: minimumCount).map { ($0.key, $0.count, errorBound, $0.text) }
    }
}
