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

    private mutating func prune() {
        var counts = table.allCounts()
        counts.sort()
        // Keep at most half the capacity: drop everything counted <= t.
        let t = counts[max(0, counts.count - capacity / 2 - 1)]
        table = table.keeping(above: t)
        errorBound += t
    }

    /// The `k` most frequent keys with a reported count of at least `minimumCount`.
    public func top(_ k: Int, minimumCount: UInt64 = 1) -> [(key: UInt64, count: UInt64, error: UInt64, text: [UInt8])] {
        table.top(k, minimumCount: minimumCount).map { ($0.key, $0.count, errorBound, $0.text) }
    }
}
