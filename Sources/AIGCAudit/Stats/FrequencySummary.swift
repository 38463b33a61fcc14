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

    public init(capacity: Int) { self.capacity = max(16, capacity) }

    public mutating func add(_ batch: CountTable) {
        table.merge(batch)
        if table.count > capacity { prune() }
    }

    /// Adds one whole batch's exact counts (texts in `arena`). When the batch would overflow the summary, its keys
    /// seen only once in the batch and not already in the summary are dropped up front (they are the bulk of
    /// a batch's distinct n-grams, and would be the first pruned): each such key loses at most one occurrence, so
    /// `errorBound` grows by 1 for that batch and both guarantees above still hold. Batches are cut by the reader,
    /// never by thread, so this depends only on the data.
    package mutating func add(_ batch: BatchCountTable, arena: UnsafeBufferPointer<UInt8>) {
        let filter = table.count + batch.count > capacity
        var dropped = false
        batch.slots.withUnsafeBufferPointer { slots in
            // The occupied batch slots, so the summary slot of the key a few entries ahead can be prefetched.
            var pending = [Int](repeating: 0, count: 8)
            var head = 0, filled = 0
            var idx = 0
            func next() -> Int? {
                while idx < slots.count {
                    defer { idx += 1 }
                    if slots[idx].key != 0 { table.prefetch(slots[idx].key); return idx }
                }
                return nil
            }
            while filled < 8, let i = next() { pending[(head + filled) & 7] = i; filled += 1 }
            while filled > 0 {
                let s = slots[pending[head]]
                if let i = next() { pending[head] = i; head = (head + 1) & 7 } else { head = (head + 1) & 7; filled -= 1 }
                if table.increment(s.key, by: UInt64(s.count)) { continue }
                if filter && s.count == 1 { dropped = true; continue }
                let r = batch.textRange(s.ref)
                table.add(s.key, by: UInt64(s.count)) { UnsafeBufferPointer(rebasing: arena[r]) }
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
