import AIGCCore
import CKernels

/// Exact counts of 64-bit keys (hashes of n-grams or lines) within one batch, for one worker: an open-addressing
/// table of 16-byte slots (key, count, index of the key's first text) — four slots per cache line, so the hot
/// probe touches one line — with the text of each key kept as a byte range of the worker's batch text arena
/// (`AuditWorker.arena`) rather than a copy. Texts are resolved only when a key enters a `FrequencySummary`.
/// Key 0 marks an empty slot (a real 0 is stored as 1). Filled up to 3/4 before growing: the probes stay within one or
/// two cache lines, and a smaller table misses the caches less (these tables are far larger than the L2 cache). Reused across batches (`removeAll` keeps the memory).
/// The slots live in a `HugePageMemory` (reference semantics: a copy of the table shares them, so each table has
/// one owner, its worker).
package struct BatchCountTable {
    package struct Slot {
        package var key: UInt64
        package var count: UInt32
        package var ref: UInt32
    }

    private var storage: HugePageMemory
    private var slotCount: Int
    @inline(__always) private var sp: UnsafeMutablePointer<Slot> { storage.raw.assumingMemoryBound(to: Slot.self) }
    /// All slots (empty ones have key 0).
    package var slots: UnsafeBufferPointer<Slot> { UnsafeBufferPointer(start: sp, count: slotCount) }
    /// Per key, in order of first sight: arena offset << 16 | byte length (capped at 65535).
    package private(set) var refs: [UInt64] = []
    private var mask: Int
    package var count: Int { refs.count }

    package init(capacity: Int) {
        var c = 16
        while c * 3 < capacity * 4 { c <<= 1 }
        storage = HugePageMemory.allocating(bytes: c * MemoryLayout<Slot>.stride)
        slotCount = c
        mask = c - 1
        refs.reserveCapacity(capacity)
    }

    /// Empties the table, keeping its memory.
    package mutating func removeAll() {
        if refs.isEmpty { return }
        storage.zero()
        refs.removeAll(keepingCapacity: true)
    }

    @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// Counts one occurrence of `rawKey`, whose text is `arena[start..<(start + length)]`.
    @inline(__always)
    package mutating func add(_ rawKey: UInt64, start: Int, length: Int) {
        let key = rawKey == 0 ? 1 : rawKey
        let s = sp
        var i = Self.slot(key, mask)
        while true {
            let k = s[i].key
            if k == key { s[i].count &+= 1; return }
            if k == 0 { break }
            i = (i + 1) & mask
        }
        s[i] = Slot(key: key, count: 1, ref: UInt32(truncatingIfNeeded: refs.count))
        refs.append(Self.ref(start: start, length: length))
        if refs.count * 4 > slotCount * 3 { grow() }
    }

    /// Packs a text range of the arena for `addAll`.
    @inline(__always) static func ref(start: Int, length: Int) -> UInt64 {
        UInt64(start) << 16 | UInt64(min(length, 0xFFFF))
    }

    /// Counts one occurrence of each key of `pairs` (key, text ref as packed by `ref`, interleaved). Same result
    /// as `add` one by one, but the slot of the key a few places ahead is prefetched, so the cache misses of a
    /// table larger than the caches overlap instead of stalling one after the other.
    package mutating func addAll(pairs: UnsafeBufferPointer<UInt64>) {
        let n = pairs.count / 2
        if n == 0 { return }
        while (refs.count + n) * 4 > slotCount * 3 { grow() }
        let m = mask
        // Far enough ahead to cover a miss to memory (these tables are much larger than L2), not so far that the
        // lines are gone again before use.
        let ahead = 32
        let s = sp
        // New keys' refs are written through a pointer into `refs`, grown up front (no per-key append checks).
        var used = refs.count
        refs.append(contentsOf: repeatElement(0, count: n))
        defer { refs.removeLast(refs.count - used) }
        refs.withUnsafeMutableBufferPointer { rp in
            for j in 0..<min(ahead, n) { let k = pairs[2 * j]; ck_prefetch(s + Self.slot(k == 0 ? 1 : k, m)) }
            for j in 0..<n {
                if j + ahead < n { let k = pairs[2 * (j + ahead)]; ck_prefetch(s + Self.slot(k == 0 ? 1 : k, m)) }
                let key = pairs[2 * j] == 0 ? 1 : pairs[2 * j]
                var i = Self.slot(key, m)
                while true {
                    let k = s[i].key
                    if k == key { s[i].count &+= 1; break }
                    if k == 0 {
                        s[i] = Slot(key: key, count: 1, ref: UInt32(truncatingIfNeeded: used))
                        rp[used] = pairs[2 * j + 1]
                        used += 1
                        break
                    }
                    i = (i + 1) & m
                }
            }
        }
    }

    /// The count of `key` (0 when absent).
    @inline(__always)
    package func count(of rawKey: UInt64) -> UInt32 {
        let key = rawKey == 0 ? 1 : rawKey
        let s = sp
        var i = Self.slot(key, mask)
        while true {
            let k = s[i].key
            if k == key { return s[i].count }
            if k == 0 { return 0 }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let c = slotCount * 2
        let bigger = HugePageMemory.allocating(bytes: c * MemoryLayout<Slot>.stride)
        let b = bigger.raw.assumingMemoryBound(to: Slot.self)
        let m = c - 1
        for s in slots where s.key != 0 {
            var t = Self.slot(s.key, m)
            while b[t].key != 0 { t = (t + 1) & m }
            b[t] = s
        }
        storage = bigger
        slotCount = c
        mask = m
    }

    /// Hints the cache to load the packed text range of entry `ref` (for `textRange` a few steps later).
    @inline(__always) package func prefetchRef(_ ref: UInt32) {
        refs.withUnsafeBufferPointer { r in
            if Int(ref) < r.count, let b = r.baseAddress { ck_prefetch(b + Int(ref)) }
        }
    }

    /// The text range of the entry whose `ref` is given.
    @inline(__always) package func textRange(_ ref: UInt32) -> Range<Int> {
        let r = refs[Int(ref)]
        let start = Int(r >> 16)
        return start..<(start + Int(r & 0xFFFF))
    }
}
