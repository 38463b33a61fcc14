/// Open-addressing hash map from a packed pair key (`left << 32 | right`) to a signed 64-bit count.
///
/// The merge loop reads and updates pair counts millions of times; a flat table with linear probing and
/// Fibonacci hashing is several times faster than `Dictionary<UInt64, Int64>`. Counts are signed on purpose:
/// HF's trainer applies the −1 changes of a merge even to pairs it never counted (pairs over `max_token_length`),
/// and reproducing its merges exactly means reproducing those values too. Entries are never removed.
package struct PairCountTable {
    /// `UInt64.max` would be the pair (0xFFFF_FFFF, 0xFFFF_FFFF), which no vocabulary reaches.
    static let empty = UInt64.max
    private(set) var keys: [UInt64]
    private(set) var values: [Int64]
    private var mask: Int
    private var shift: UInt64
    package private(set) var count = 0

    package init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int64](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The count of `key`, or nil when the pair was never seen.
    @inline(__always)
    package func get(_ key: UInt64) -> Int64? {
        var i = slot(key)
        return keys.withUnsafeBufferPointer { k in
            while true {
                let x = k[i]
                if x == key { return values[i] }
                if x == Self.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Adds `delta` to the count of `key` (inserting it at 0 first) and returns the new count.
    @inline(__always) @discardableResult
    package mutating func add(_ key: UInt64, _ delta: Int64) -> Int64 {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        let m = mask
        return keys.withUnsafeMutableBufferPointer { k in
            values.withUnsafeMutableBufferPointer { v in
                while true {
                    let x = k[i]
                    if x == key { v[i] &+= delta; return v[i] }
                    if x == Self.empty {
                        k[i] = key; v[i] = delta; count += 1
                        return delta
                    }
                    i = (i + 1) & m
                }
            }
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let size = keys.count * 2
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int64](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        count = 0
        for (i, k) in oldKeys.enumerated() where k != Self.empty {
            var j = slot(k)
            while keys[j] != Self.empty { j = (j + 1) & mask }
            keys[j] = k; values[j] = oldValues[i]; count += 1
        }
    }
}
