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
    private var hashes: [UInt64] = []
    private var table: [Int32]
    private var mask: Int

    /// Number of distinct pre-tokens.
    public var distinctCount: Int { counts.count }
    /// Total occurrences of all pre-tokens (the sum of the counts).
    public private(set) var totalCount: UInt64 = 0

    public init() {
        table = [Int32](repeating: -1, count: 1024)
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
        guard token.count > 0 else { return }
        totalCount &+= count
        let h = Self.hash(token)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(table[i])
            if e < 0 { break }
            if hashes[e] == h {
                let s = starts[e], n = starts[e + 1] - s
                if n == token.count && arena.withUnsafeBufferPointer({ a in
                    memcmp(a.baseAddress! + s, token.baseAddress!, n) == 0
                }) {
                    counts[e] &+= count
                    return
                }
            }
            i = (i + 1) & mask
        }
        table[i] = Int32(counts.count)
        hashes.append(h)
        counts.append(count)
        arena.append(contentsOf: token)
        starts.append(arena.count)
        if counts.count * 2 > table.count { rehash() }
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
        let size = table.count * 2
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
        for e in 0..<hashes.count {
            var i = Int(truncatingIfNeeded: hashes[e]) & mask
            while table[i] >= 0 { i = (i + 1) & mask }
            table[i] = Int32(e)
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
