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

    /// Bloom filter of the keys in `table` (two bits per key, at least 8 bits per key of capacity, so it stays in
    /// the L2 cache): most keys of a batch are absent from the summary, and this says so from cache instead of
    /// probing the table.
    private var bloom: [UInt64]
    private let bloomMask: Int

    public init(capacity: Int) {
        self.capacity = max(16, capacity)
        var bits = 1 << 12
        while bits < self.capacity * 8 { bits <<= 1 }
        bloom = [UInt64](repeating: 0, count: bits / 64)
        bloomMask = bits - 1
    }

    public mutating func add(_ batch: CountTable) {
        table.merge(batch)
        if table.count > capacity { prune() } else { rebuildBloom() }
    }

    @inline(__always) private static func bloomBits(_ rawKey: UInt64, _ mask: Int) -> (Int, Int) {
        let key = rawKey == 0 ? 1 : rawKey
        return (Int(truncatingIfNeeded: key) & mask, Int(truncatingIfNeeded: key >> 32) & mask)
    }

    private mutating func setBloom(_ key: UInt64) {
        let (b1, b2) = Self.bloomBits(key, bloomMask)
        bloom[b1 >> 6] |= 1 << UInt64(b1 & 63)
        bloom[b2 >> 6] |= 1 << UInt64(b2 & 63)
    }

    private mutating func rebuildBloom() {
        for i in bloom.indices { bloom[i] = 0 }
        var keys: [UInt64] = []
        keys.reserveCapacity(table.count)
        table.forEachKey { keys.append($0) }
        for k in keys { setBloom(k) }
    }

    /// Adds one whole batch's exact counts (texts in `arena`). When the batch would overflow the summary, its keys
    /// seen only once in the batch and not already in the summary are dropped up front (they are the bulk of
    /// a batch's distinct n-grams, and would be the first pruned): each such key loses at most one occurrence, so
    /// `errorBound` grows by 1 for that batch and both guarantees above still hold. Batches are cut by the reader,
    /// never by thread, so this depends only on the data.
    package mutating func add(_ batch: BatchCountTable, arena: UnsafeBufferPointer<UInt8>) {
        let filter = table.count + batch.count > capacity
        var dropped = false
        do {
            let slots = batch.slots
            // The occupied batch slots, so the summary slot of the key a few entries ahead can be prefetched.
            var pending = [Int](repeating: 0, count: 8)
            var head = 0, filled = 0
            var idx = 0
            func next() -> Int? {
                while idx < slots.count {
                    defer { idx += 1 }
                    if slots[idx].key != 0 {
                        let (b1, b2) = Self.bloomBits(slots[idx].key, bloomMask)
                        if (bloom[b1 >> 6] >> UInt64(b1 & 63)) & (bloom[b2 >> 6] >> UInt64(b2 & 63)) & 1 != 0 {
                            table.prefetch(slots[idx].key)
                        }
                        return idx
                    }
                }
                return nil
            }
            while filled < 8, let i = next() { pending[(head + filled) & 7] = i; filled += 1 }
            while filled > 0 {
                let s = slots[pending[head]]
                if let i = next() { pending[head] = i; head = (head + 1) & 7 } else { head = (head + 1) & 7; filled -= 1 }
                let (b1, b2) = Self.bloomBits(s.key, bloomMask)
                let maybePresent = (bloom[b1 >> 6] >> UInt64(b1 & 63)) & (bloom[b2 >> 6] >> UInt64(b2 & 63)) & 1 != 0
                if maybePresent && table.increment(s.key, by: UInt64(s.count)) { continue }
                if filter && s.count == 1 { dropped = true; continue }
                let r = batch.textRange(s.ref)
                table.add(s.key, by: UInt64(s.count)) { UnsafeBufferPointer(rebasing: arena[r]) }
                setBloom(s.key)
            }
        }
        if dropped { errorBound += 1 }
        if table.count > capacity { prune() }
    }

    private mutating func prune() {
        // Keep at most half the capacity: drop everything counted <= t, t the count at this rank (ascending).
        let t = Self.countAt(rank: max(0, table.count - capacity / 2 - 1), table.allCounts())
        table = table.keeping(above: t)
        errorBound += t
        rebuildBloom()
    }

    /// The value at `rank` of `counts` sorted ascending: a histogram for small counts (nearly all of them), a sort
    /// only of the large ones.
    static func countAt(rank: Int, _ counts: [UInt64]) -> UInt64 {
        let buckets = 1024
        var hist = [Int](repeating: 0, count: buckets)
        var large: [UInt64] = []
        for c in counts { if c < UInt64(buckets) { hist[Int(c)] += 1 } else { large.append(c) } }
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
