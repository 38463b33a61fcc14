/// Distinct pre-tokens (byte strings) with 64-bit occurrence counts: the whole input the merge learner needs.
///
/// Memory is bounded by the number of distinct pre-tokens, not the corpus size: the bytes of each distinct
/// pre-token are stored once in a flat arena and found again through an open-addressing table of hashes.
/// The order of the entries is the order of first insertion; training results never depend on it.
public struct PreTokenCounts: Sendable {
    package private(set) var arena: [UInt8] = []
    /// `starts[i]..<starts[i + 1]` are the bytes of pre-token `i`.
    package private(set) var starts: [Int] = [0]
    package private(set) var counts: [UInt64] = []
    /// Open-addressing slots: the full hash, the entry index (−1: empty) and the length, so a probe rejects
    /// almost every non-match without touching the arena.
    private var slots: [Slot]
    private var mask: Int

    private struct Slot {
        var hash: UInt64
        var index: Int32
        var length: Int32
    }

    /// Number of distinct pre-tokens.
    public var distinctCount: Int { counts.count }
    /// Total occurrences of all pre-tokens (the sum of the counts).
    public private(set) var totalCount: UInt64 = 0

    public init() {
        slots = [Slot](repeating: Slot(hash: 0, index: -1, length: 0), count: 1024)
        mask = 1023
    }

    /// Adds `count` occurrences of `token` (bytes copied).
    @inlinable
    public mutating func add(_ token: [UInt8], count: UInt64 = 1) {
        token.withUnsafeBufferPointer { add($0, count: count) }
    }

    /// Adds `count` occurrences of the byte string `token` (bytes copied). Empty tokens are ignored: they have
    /// no pairs and HF's pre-tokenizers never produce them.
    public mutating func add(_ token: UnsafeBufferPointer<UInt8>, count: UInt64 = 1) {
        let n = token.count
        guard n > 0 else { return }
        totalCount &+= count
        // Tokens of up to 7 bytes (most of them) are identified by their bytes and length packed in the "hash":
        // equal keys mean equal tokens, so the probe never reads the arena.
        let short = n <= 7
        let h = short ? Self.pack(token) : Self.hash(token)
        let found: Int = slots.withUnsafeBufferPointer { sl in
            var i = Self.slotIndex(h, mask)
            while true {
                let slot = sl[i]
                if slot.index < 0 { return -1 - i }
                if slot.hash == h && Int(slot.length) == n {
                    if short { return Int(slot.index) }
                    let same = arena.withUnsafeBufferPointer { a in
                        memcmp(a.baseAddress! + starts[Int(slot.index)], token.baseAddress!, n) == 0
                    }
                    if same { return Int(slot.index) }
                }
                i = (i + 1) & mask
            }
        }
        if found >= 0 {
            counts[found] &+= count
            return
        }
        slots[-1 - found] = Slot(hash: h, index: Int32(counts.count), length: Int32(n))
        counts.append(count)
        arena.append(contentsOf: token)
        starts.append(arena.count)
        if counts.count * 2 > slots.count { rehash() }
    }

    @inline(__always)
    static func slotIndex(_ h: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (h &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The bytes of a token of 1…7 bytes, little-endian, with the length in the top byte.
    @inline(__always)
    static func pack(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var k = UInt64(p.count) << 56
        for i in 0..<p.count { k |= UInt64(p[i]) << (8 * UInt64(i)) }
        return k
    }

    /// Adds every entry of `other` (used to combine per-thread counts; the sum does not depend on the order).
    public mutating func add(contentsOf other: PreTokenCounts) {
        other.arena.withUnsafeBufferPointer { a in
            for i in 0..<other.counts.count {
                let s = other.starts[i]
                add(UnsafeBufferPointer(rebasing: a[s..<other.starts[i + 1]]), count: other.counts[i])
            }
        }
    }

    /// The bytes and count of entry `i`.
    public func entry(_ i: Int) -> (bytes: ArraySlice<UInt8>, count: UInt64) {
        (arena[starts[i]..<starts[i + 1]], counts[i])
    }

    private mutating func rehash() {
        let old = slots
        slots = [Slot](repeating: Slot(hash: 0, index: -1, length: 0), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.index >= 0 {
            var i = Self.slotIndex(slot.hash, mask)
            while slots[i].index >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }

    /// A fast 64-bit hash over 8-byte words (pre-tokens are short; quality only needs to beat clustering).
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(p.count)
        let raw = UnsafeRawPointer(p.baseAddress!)
        var i = 0
        while i + 8 <= p.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        if i < p.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < p.count { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
