/// A set of 64- or 128-bit keys in one flat array (open addressing, linear probing), sized up front for a known
/// number of keys at a load of at most 0.8: 10 bytes per 64-bit key and 20 per 128-bit key, against 20–43 and
/// 40–85 for a `Set`. What `aigc corpus merge` keeps per distinct record. The all-zero key is tracked apart (zero
/// marks an empty slot); a set that outgrows its size doubles instead of failing.
package struct CompactKeySet {
    package let words: Int
    package private(set) var capacity: Int
    private var slots: [UInt64]
    private var hasZero = false
    package private(set) var count = 0

    /// `expected`: how many keys will be inserted at most (more still work, at the cost of a resize).
    package init(words: Int, expected: Int) {
        self.words = words
        capacity = max(8, Int((Double(max(expected, 1)) / 0.8).rounded(.up)))
        slots = [UInt64](repeating: 0, count: capacity * words)
    }

    /// Bytes of the slot array.
    package var bytes: Int { slots.count * 8 }

    @inline(__always) private func home(_ a: UInt64, _ b: UInt64) -> Int {
        let h = StableHash.scramble(a ^ (b &* 0x9E37_79B9_7F4A_7C15))
        return Int(h.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Inserts the key; false when it was already present.
    package mutating func insert(_ a: UInt64, _ b: UInt64 = 0) -> Bool {
        if a == 0 && b == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if count + 1 > capacity * 9 / 10 { grow() }
        var i = home(a, b)
        return slots.withUnsafeMutableBufferPointer { s in
            while true {
                let x = s[i * words], y = words == 2 ? s[i * words + 1] : 0
                if x == 0 && y == 0 {
                    s[i * words] = a
                    if words == 2 { s[i * words + 1] = b }
                    count += 1
                    return true
                }
                if x == a && y == b { return false }
                i += 1
                if i == capacity { i = 0 }
            }
        }
    }

    private mutating func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        slots = [UInt64](repeating: 0, count: capacity * words)
        let zero = hasZero
        count = 0
        hasZero = false
        for i in 0..<oldCapacity {
            let x = old[i * words], y = words == 2 ? old[i * words + 1] : 0
            if x != 0 || y != 0 { _ = insert(x, y) }
        }
        if zero { _ = insert(0, 0) }
    }
}
