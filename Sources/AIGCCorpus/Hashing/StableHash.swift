/// A fast, seeded 64-bit hash of bytes, fixed forever (it decides duplicates, train/val split and shards, so it
/// must give the same value on every machine, run and version). wyhash-style: 8-byte little-endian reads, 128-bit
/// multiply-fold mixing. Not cryptographic.
public enum StableHash {
    @usableFromInline static let p0: UInt64 = 0xa0761d6478bd642f
    @usableFromInline static let p1: UInt64 = 0xe7037ed1a0b428db
    @usableFromInline static let p2: UInt64 = 0x8ebc6af09c88c6e3

    @inlinable @inline(__always)
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inlinable @inline(__always)
    static func read8(_ p: UnsafeRawPointer, _ i: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }

    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var h = seed ^ mix(seed ^ p0, p1) ^ UInt64(n)
        guard let base = bytes.baseAddress, n > 0 else { return mix(h ^ p2, p1) }
        var i = 0
        while i + 16 <= n {
            h = mix(read8(base, i) ^ p1, read8(base, i + 8) ^ h)
            i += 16
        }
        var a: UInt64 = 0, b: UInt64 = 0
        let rest = n - i
        if rest >= 8 {
            a = read8(base, i)
            b = read8(base, n - 8)
        } else if rest > 0 {
            // 1–7 bytes: little-endian assembled, length already folded into h.
            for k in 0..<rest { a |= UInt64(bytes[i + k]) << UInt64(8 * k) }
        }
        h = mix(a ^ p1, b ^ h)
        return mix(h ^ p2, UInt64(n) ^ p1)
    }

    @inlinable
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// Mixes a 64-bit value (splitmix64 finalizer): for hashing ordinals and combining hashes.
    @inlinable @inline(__always)
    public static func scramble(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e3779b97f4a7c15
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
