import CKernels

/// `HashIndex` for one-word keys (LSH band keys → cluster): 12 bytes per slot, load ≤ 3/4. Key 0 is stored as 1
/// (keys are hashes: a merge with probability 2⁻⁶⁴ per key).
struct HashIndex64 {
    private var keys: [UInt64]
    private var values: [UInt32]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var c = 16
        while c * 3 < capacity * 4 { c <<= 1 }
        keys = [UInt64](repeating: 0, count: c)
        values = [UInt32](repeating: 0, count: c)
        mask = c - 1
    }

    @inline(__always) private static func slot(_ k: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (k &* 0xBF58_476D_1CE4_E5B9) >> 32) & mask
    }

    /// Hints the cache to load the key's first slot (for a lookup a little later).
    func prefetch(_ rawKey: UInt64) {
        let k = rawKey == 0 ? 1 : rawKey
        let i = Self.slot(k, mask)
        keys.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
    }

    /// The value stored for the key, or nil.
    func get(_ rawKey: UInt64) -> UInt32? {
        let k = rawKey == 0 ? 1 : rawKey
        var i = Self.slot(k, mask)
        while true {
            let x = keys[i]
            if x == k { return values[i] }
            if x == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for the key unless it is present (first value wins).
    mutating func insertIfAbsent(_ rawKey: UInt64, _ value: UInt32) {
        let k = rawKey == 0 ? 1 : rawKey
        var i = Self.slot(k, mask)
        while true {
            let x = keys[i]
            if x == k { return }
            if x == 0 { break }
            i = (i + 1) & mask
        }
        keys[i] = k; values[i] = value
        count += 1
        if count * 4 > keys.count * 3 { grow() }
    }

    private mutating func grow() {
        var bigger = HashIndex64(capacity: keys.count * 3 / 2)
        for i in keys.indices where keys[i] != 0 { bigger.insertIfAbsent(keys[i], values[i]) }
        self = bigger
    }
}
