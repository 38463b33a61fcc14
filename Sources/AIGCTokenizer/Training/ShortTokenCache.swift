/// A small direct-mapped cache in front of `PreTokenCounts` for pre-tokens of up to 7 bytes.
///
/// Pre-token frequencies are Zipfian: a few thousand tokens make up most occurrences. Their counts accumulate
/// here, in tables that stay in the CPU cache, and reach the big table (which does not fit in cache once a
/// corpus has hundreds of thousands of distinct pre-tokens) only when evicted or flushed.
struct ShortTokenCache {
    private static let size = 8192
    private var keys = [UInt64](repeating: 0, count: size)
    private var pending = [UInt64](repeating: 0, count: size)
    /// The bytes of evicted tokens are rebuilt from their packed key.
    private var scratch = [UInt8](repeating: 0, count: 8)

    /// Counts one occurrence of `token`, which must be 1…7 bytes long.
    @inline(__always)
    mutating func add(_ token: UnsafeBufferPointer<UInt8>, into counts: inout PreTokenCounts) {
        if token.isEmpty { return }
        let key = PreTokenCounts.pack(token)
        let j = PreTokenCounts.slotIndex(key, Self.size - 1)
        let old = keys[j]
        if old == key { pending[j] &+= 1; return }
        if old != 0 { spill(old, pending[j], into: &counts) }
        keys[j] = key
        pending[j] = 1
    }

    /// Moves every pending count into `counts`.
    mutating func flush(into counts: inout PreTokenCounts) {
        for j in 0..<Self.size where keys[j] != 0 {
            spill(keys[j], pending[j], into: &counts)
            keys[j] = 0
            pending[j] = 0
        }
    }

    private mutating func spill(_ key: UInt64, _ count: UInt64, into counts: inout PreTokenCounts) {
        let n = Int(key >> 56)
        for i in 0..<n { scratch[i] = UInt8(truncatingIfNeeded: key >> (8 * UInt64(i))) }
        scratch.withUnsafeBufferPointer { counts.add(UnsafeBufferPointer(rebasing: $0[0..<n]), count: count) }
    }
}
