/// Exact counts of 64-bit keys (hashes of n-grams or lines) with the text of each key's first occurrence, in an
/// open-addressing table (linear probing, power-of-two capacity): far cheaper per insert than `Dictionary`, and the
/// texts live in one byte arena rather than one allocation per key. One table per worker per batch; tables merge
/// in a fixed order, so the result never depends on the thread count.
public struct CountTable: Sendable {
    private var keys: [UInt64]
    private var counts: [UInt64]
    private var textStart: [UInt32]
    private var textLength: [UInt16]
    private var used: [Bool]
    private var arena: [UInt8] = []
    public private(set) var count = 0
    private var mask: Int
    /// Longest text kept per key.
    public static let maxTextBytes = 160

    public init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        keys = [UInt64](repeating: 0, count: c)
        counts = [UInt64](repeating: 0, count: c)
        textStart = [UInt32](repeating: 0, count: c)
        textLength = [UInt16](repeating: 0, count: c)
        used = [Bool](repeating: false, count: c)
        mask = c - 1
    }

    public var isEmpty: Bool { count == 0 }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds `by` to `key`; `text` supplies the key's text on first sight (truncated to `maxTextBytes` on a UTF-8
    /// boundary).
    @inline(__always)
    public mutating func add(_ key: UInt64, by: UInt64 = 1, text: () -> UnsafeBufferPointer<UInt8>) {
        var s = Self.slot(key, mask)
        while used[s] {
            if keys[s] == key { counts[s] &+= by; return }
            s = (s + 1) & mask
        }
        used[s] = true
        keys[s] = key
        counts[s] = by
        let t = text()
        var len = min(t.count, Self.maxTextBytes)
        while len < t.count && len > 0 && t[len] & 0xC0 == 0x80 { len -= 1 }
        textStart[s] = UInt32(truncatingIfNeeded: arena.count)
        textLength[s] = UInt16(len)
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: t[0..<len]))
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func grow() {
        var bigger = CountTable(capacity: keys.count)
        bigger.arena = arena
        for s in 0..<keys.count where used[s] {
            var t = Self.slot(keys[s], bigger.mask)
            while bigger.used[t] { t = (t + 1) & bigger.mask }
            bigger.used[t] = true
            bigger.keys[t] = keys[s]; bigger.counts[t] = counts[s]
            bigger.textStart[t] = textStart[s]; bigger.textLength[t] = textLength[s]
        }
        bigger.count = count
        self = bigger
    }

    /// Adds every entry of `other` (whose occurrences come after this table's).
    public mutating func merge(_ other: CountTable) {
        other.arena.withUnsafeBufferPointer { a in
            for s in 0..<other.keys.count where other.used[s] {
                let start = Int(other.textStart[s]), len = Int(other.textLength[s])
                add(other.keys[s], by: other.counts[s]) { UnsafeBufferPointer(rebasing: a[start..<(start + len)]) }
            }
        }
    }

    /// A copy keeping only entries counted more than `threshold` times (texts compacted).
    public func keeping(above threshold: UInt64) -> CountTable {
        var kept = 0
        for s in 0..<keys.count where used[s] && counts[s] > threshold { kept += 1 }
        var out = CountTable(capacity: max(kept, 16))
        arena.withUnsafeBufferPointer { a in
            for s in 0..<keys.count where used[s] && counts[s] > threshold {
                let start = Int(textStart[s]), len = Int(textLength[s])
                out.add(keys[s], by: counts[s]) { UnsafeBufferPointer(rebasing: a[start..<(start + len)]) }
            }
        }
        return out
    }

    /// All counts (unordered), for choosing a pruning threshold.
    public func allCounts() -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        for s in 0..<keys.count where used[s] { out.append(counts[s]) }
        return out
    }

    /// The `k` most counted entries with at least `minimumCount`: count descending, then text, then key.
    public func top(_ k: Int, minimumCount: UInt64 = 1) -> [(key: UInt64, count: UInt64, text: [UInt8])] {
        var idx: [Int] = []
        for s in 0..<keys.count where used[s] && counts[s] >= minimumCount { idx.append(s) }
        func text(_ s: Int) -> ArraySlice<UInt8> { arena[Int(textStart[s])..<(Int(textStart[s]) + Int(textLength[s]))] }
        // Partial selection: only the k best need sorting.
        idx.sort { a, b in
            if counts[a] != counts[b] { return counts[a] > counts[b] }
            let ta = text(a), tb = text(b)
            if ta != tb { return ta.lexicographicallyPrecedes(tb) }
            return keys[a] < keys[b]
        }
        return idx.prefix(k).map { (keys[$0], counts[$0], Array(text($0))) }
    }

    /// Entries sorted by count (descending), then key: a deterministic order.
    public func sortedEntries() -> [(key: UInt64, count: UInt64, text: [UInt8])] {
        var idx: [Int] = []
        idx.reserveCapacity(count)
        for s in 0..<keys.count where used[s] { idx.append(s) }
        idx.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : keys[$0] < keys[$1] }
        return idx.map { s in
            let start = Int(textStart[s])
            return (keys[s], counts[s], Array(arena[start..<(start + Int(textLength[s]))]))
        }
    }
}
