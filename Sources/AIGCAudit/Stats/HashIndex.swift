import CKernels

/// Already-hashed keys (one or two 64-bit words) → UInt32, in an open-addressing table (linear probing, 20-byte
/// entries in three arrays, load ≤ 1/2): the duplicate index of the fold, which probes it once per document and
/// 14 times per document for LSH bands, far cheaper than `Dictionary` (no SipHash, no per-entry boxing) and
/// about 40 bytes per key instead of ~100. The all-zero key marks an empty slot, so it is remapped to (1, 0):
/// keys are hashes, so this merges two keys only with probability 2⁻¹²⁸ (2⁻⁶⁴ for one-word keys) per key.
struct HashIndex {
    private var high: [UInt64]
    private var low: [UInt64]
    private var values: [UInt32]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        high = [UInt64](repeating: 0, count: c)
        low = [UInt64](repeating: 0, count: c)
        values = [UInt32](repeating: 0, count: c)
        mask = c - 1
    }

    @inline(__always) private static func normalized(_ h: UInt64, _ l: UInt64) -> (UInt64, UInt64) {
        h == 0 && l == 0 ? (1, 0) : (h, l)
    }

    @inline(__always) private static func slot(_ h: UInt64, _ l: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: ((h ^ (l &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 32) & mask
    }

    /// Hints the cache to load the key's first slot (for a lookup a little later).
    func prefetch(_ rawHigh: UInt64, _ rawLow: UInt64 = 0) {
        let (h, l) = Self.normalized(rawHigh, rawLow)
        let i = Self.slot(h, l, mask)
        high.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
        low.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
    }

    /// The value stored for the key, or nil.
    func get(_ rawHigh: UInt64, _ rawLow: UInt64 = 0) -> UInt32? {
        let (h, l) = Self.normalized(rawHigh, rawLow)
        var i = Self.slot(h, l, mask)
        while true {
            let kh = high[i], kl = low[i]
            if kh == h && kl == l { return values[i] }
            if kh == 0 && kl == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for the key unless it is present (first value wins).
    mutating func insertIfAbsent(_ rawHigh: UInt64, _ rawLow: UInt64 = 0, _ value: UInt32) {
        let (h, l) = Self.normalized(rawHigh, rawLow)
        var i = Self.slot(h, l, mask)
        while true {
            let kh = high[i], kl = low[i]
            if kh == h && kl == l { return }
            if kh == 0 && kl == 0 { break }
            i = (i + 1) & mask
        }
        high[i] = h; low[i] = l; values[i] = value
        count += 1
        if count * 2 > high.count { grow() }
    }

    private mutating func grow() {
        var bigger = HashIndex(capacity: high.count)
        for i in high.indices where high[i] != 0 || low[i] != 0 { bigger.insertIfAbsent(high[i], low[i], values[i]) }
        self = bigger
    }
}
