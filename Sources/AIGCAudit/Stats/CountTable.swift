import CKernels

/// Exact counts of 64-bit keys (hashes of n-grams or lines) with the text of each key's first occurrence, in an
/// open-addressing table (linear probing, power-of-two capacity, one 24-byte slot per key so a probe touches one
/// cache line): far cheaper per insert than `Dictionary`, and the texts live in one byte arena rather than one
/// allocation per key. Tables are reused across batches (`removeAll` keeps their capacity) and merge in a fixed
/// order, so results never depend on the thread count. Key 0 marks an empty slot (a real 0 is stored as 1).
public struct CountTable: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var key: UInt64
        @usableFromInline var count: UInt64
        @usableFromInline var textStart: UInt32
        @usableFromInline var textLength: UInt32
    }

    private var slots: [Slot]
    private var arena: [UInt8] = []
    /// Scratch of `removeAll(countedAtMost:)`, kept so pruning reuses its memory: the surviving slots and their
    /// compacted texts (the next arena).
    private var keptScratch: [Slot] = []
    private var spareArena: [UInt8] = []
    public private(set) var count = 0
    private var mask: Int
    /// Longest text kept per key.
    public static let maxTextBytes = 160

    public init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, count: 0, textStart: 0, textLength: 0), count: c)
        mask = c - 1
    }

    public var isEmpty: Bool { count == 0 }

    /// Empties the table, keeping its memory.
    public mutating func removeAll() {
        if count == 0 { return }
        slots.withUnsafeMutableBufferPointer { s in
            for i in s.indices { s[i].key = 0 }
        }
        arena.removeAll(keepingCapacity: true)
        count = 0
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds `by` to `key`; `text` supplies the key's text on first sight (truncated to `maxTextBytes` on a UTF-8
    /// boundary).
    @inline(__always)
    public mutating func add(_ rawKey: UInt64, by: UInt64 = 1, text: () -> UnsafeBufferPointer<UInt8>) {
        let key = rawKey == 0 ? 1 : rawKey
        let m = mask
        let emptySlot: Int = slots.withUnsafeMutableBufferPointer { s in
            var i = Self.slot(key, m)
            while true {
                let k = s[i].key
                if k == key { s[i].count &+= by; return -1 }
                if k == 0 { return i }
                i = (i + 1) & m
            }
        }
        if emptySlot < 0 { return }
        let t = text()
        var len = min(t.count, Self.maxTextBytes)
        while len < t.count && len > 0 && t[len] & 0xC0 == 0x80 { len -= 1 }
        let start = arena.count
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: t[0..<len]))
        slots[emptySlot] = Slot(key: key, count: by, textStart: UInt32(truncatingIfNeeded: start), textLength: UInt32(len))
        count += 1
        if count * 2 > slots.count { grow() }
    }

    /// Hints the cache to load `key`'s first slot (for a probe a few steps later).
    @inline(__always)
    func prefetch(_ rawKey: UInt64) {
        let key = rawKey == 0 ? 1 : rawKey
        slots.withUnsafeBufferPointer { s in if let b = s.baseAddress { ck_prefetch(b + Self.slot(key, mask)) } }
    }

    /// Adds `by` to `key` if it is present; false (and nothing changed) when it is not.
    @inline(__always)
    public mutating func increment(_ rawKey: UInt64, by: UInt64) -> Bool {
        let key = rawKey == 0 ? 1 : rawKey
        let m = mask
        return slots.withUnsafeMutableBufferPointer { s in
            var i = Self.slot(key, m)
            while true {
                let k = s[i].key
                if k == key { s[i].count &+= by; return true }
                if k == 0 { return false }
                i = (i + 1) & m
            }
        }
    }

    private mutating func grow() {
        var bigger = CountTable(capacity: slots.count)
        let m = bigger.mask
        bigger.slots.withUnsafeMutableBufferPointer { b in
            for s in slots where s.key != 0 {
                var t = Self.slot(s.key, m)
                while b[t].key != 0 { t = (t + 1) & m }
                b[t] = s
            }
        }
        bigger.arena = arena
        bigger.count = count
        self = bigger
    }

    private func text(_ s: Slot) -> ArraySlice<UInt8> { arena[Int(s.textStart)..<(Int(s.textStart) + Int(s.textLength))] }

    /// Adds every entry of `other` (whose occurrences come after this table's).
    public mutating func merge(_ other: CountTable) {
        other.arena.withUnsafeBufferPointer { a in
            for s in other.slots where s.key != 0 {
                let start = Int(s.textStart), len = Int(s.textLength)
                add(s.key, by: s.count) { UnsafeBufferPointer(rebasing: a[start..<(start + len)]) }
            }
        }
    }

    /// A copy keeping only entries counted more than `threshold` times (texts compacted).
    public func keeping(above threshold: UInt64) -> CountTable {
        var kept = 0
        for s in slots where s.key != 0 && s.count > threshold { kept += 1 }
        var out = CountTable(capacity: max(kept, 16))
        arena.withUnsafeBufferPointer { a in
            for s in slots where s.key != 0 && s.count > threshold {
                let start = Int(s.textStart), len = Int(s.textLength)
                out.add(s.key, by: s.count) { UnsafeBufferPointer(rebasing: a[start..<(start + len)]) }
            }
        }
        return out
    }

    /// Drops, in place, every entry counted at most `threshold` times (texts compacted). Same entries, counts and
    /// texts as `keeping(above:)`, but the slot array keeps its size and the arena swaps with a spare one, so
    /// pruning a summary again and again neither allocates nor touches fresh pages (nor rehashes into a table
    /// that then has to grow back).
    public mutating func removeAll(countedAtMost threshold: UInt64) {
        var kept = keptScratch, next = spareArena, old = arena
        keptScratch = []; spareArena = []; arena = []
        kept.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { s in
            old.withUnsafeBufferPointer { a in
                for i in s.indices where s[i].key != 0 {
                    let x = s[i]
                    s[i].key = 0
                    guard x.count > threshold else { continue }
                    let start = Int(x.textStart)
                    kept.append(Slot(key: x.key, count: x.count, textStart: UInt32(truncatingIfNeeded: next.count),
                                     textLength: x.textLength))
                    next.append(contentsOf: UnsafeBufferPointer(rebasing: a[start..<(start + Int(x.textLength))]))
                }
            }
            let m = mask
            for x in kept {
                var t = Self.slot(x.key, m)
                while s[t].key != 0 { t = (t + 1) & m }
                s[t] = x
            }
        }
        count = kept.count
        arena = next
        spareArena = old
        keptScratch = kept
    }

    /// How many entries have each count below `buckets` (index = count), and the counts of the others.
    func countHistogram(buckets: Int, into hist: inout [Int], large: inout [UInt64]) {
        hist.removeAll(keepingCapacity: true)
        hist.append(contentsOf: repeatElement(0, count: buckets))
        large.removeAll(keepingCapacity: true)
        let b = UInt64(buckets)
        slots.withUnsafeBufferPointer { s in
            hist.withUnsafeMutableBufferPointer { h in
                for x in s where x.key != 0 {
                    if x.count < b { h[Int(x.count)] += 1 } else { large.append(x.count) }
                }
            }
        }
    }

    /// Calls `body` with every key (unordered).
    func forEachKey(_ body: (UInt64) -> Void) {
        slots.withUnsafeBufferPointer { s in for x in s where x.key != 0 { body(x.key) } }
    }

    /// All counts (unordered), for choosing a pruning threshold.
    public func allCounts() -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        for s in slots where s.key != 0 { out.append(s.count) }
        return out
    }

    /// The `k` most counted entries with at least `minimumCount`: count descending, then text, then key.
    public func top(_ k: Int, minimumCount: UInt64 = 1) -> [(key: UInt64, count: UInt64, text: [UInt8])] {
        guard k > 0 else { return [] }
        // Only entries counted at least as often as the k-th largest can make the list: find that count on a
        // sorted copy of the counts (cheap integers), then sort just those entries.
        var floor = minimumCount
        var all = allCounts()
        if all.count > k {
            all.sort(by: >)
            floor = max(floor, all[k - 1])
        }
        var picked = slots.filter { $0.key != 0 && $0.count >= floor }
        picked.sort { a, b in
            if a.count != b.count { return a.count > b.count }
            let ta = text(a), tb = text(b)
            if ta != tb { return ta.lexicographicallyPrecedes(tb) }
            return a.key < b.key
        }
        return picked.prefix(k).map { ($0.key, $0.count, Array(text($0))) }
    }

    /// All entries: count descending, then text, then key (a deterministic order).
    public func sortedEntries() -> [(key: UInt64, count: UInt64, text: [UInt8])] {
        top(count)
    }
}
