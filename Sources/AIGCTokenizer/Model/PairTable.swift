/// Open-addressing map from a packed id pair (UInt64) to a packed (rank << 32 | result id), for HF merges.
final class PairTable: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let values: UnsafeMutablePointer<UInt64>
    let mask: Int
    static let empty = UInt64.max

    init(_ entries: [(UInt64, UInt64)]) {
        var cap = 16
        while cap < entries.count * 2 { cap <<= 1 }
        mask = cap - 1
        keys = .allocate(capacity: cap)
        keys.initialize(repeating: PairTable.empty, count: cap)
        values = .allocate(capacity: cap)
        values.initialize(repeating: 0, count: cap)
        for (k, v) in entries {
            var i = PairTable.slot(k) & mask
            while keys[i] != PairTable.empty && keys[i] != k { i = (i + 1) & mask }
            // A repeated merge keeps its last rank, as HF's `HashMap` collect does.
            keys[i] = k; values[i] = v
        }
    }

    deinit { keys.deallocate(); values.deallocate() }

    @inline(__always) static func slot(_ k: UInt64) -> Int {
        var h = k &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    @inline(__always) func get(_ k: UInt64) -> UInt64? {
        var i = PairTable.slot(k) & mask
        while true {
            let kk = keys[i]
            if kk == k { return values[i] }
            if kk == PairTable.empty { return nil }
            i = (i + 1) & mask
        }
    }
}
