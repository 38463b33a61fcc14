import AIGCCorpus
import CKernels

/// Already-hashed keys → UInt32 in an open-addressing table (linear probing, keys and values in two arrays): the
/// audit's duplicate indexes — whole-document hashes (`ContentHash`, 20 bytes per slot, load ≤ 1/2) and LSH band
/// keys (`UInt64`, 12 bytes per slot, load ≤ 3/4) — which the fold probes once per document and 14 times per document for
/// bands, far cheaper than `Dictionary` (no SipHash, no per-entry boxing). The all-zero key marks an empty slot,
/// so it is stored as its `HashIndexKey.occupied` stand-in: keys are hashes, so this merges two keys only with
/// probability 2⁻¹²⁸ (2⁻⁶⁴ for one-word keys) per key.
struct HashIndex<Key: HashIndexKey> {
    private var keys: [Key]
    private var values: [UInt32]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var c = 16
        while c * Key.loadQuarters < capacity * 4 { c <<= 1 }
        keys = [Key](repeating: .empty, count: c)
        values = [UInt32](repeating: 0, count: c)
        mask = c - 1
    }

    @inline(__always) private func slot(_ k: Key) -> Int {
        Int(truncatingIfNeeded: k.mixed >> 32) & mask
    }

    /// Hints the cache to load the key's first slot (for a lookup a little later).
    func prefetch(_ rawKey: Key) {
        let i = slot(rawKey.occupied)
        keys.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { ck_prefetch(b + i) } }
    }

    /// The value stored for the key, or nil.
    func get(_ rawKey: Key) -> UInt32? {
        let k = rawKey.occupied
        var i = slot(k)
        while true {
            let x = keys[i]
            if x == k { return values[i] }
            if x == .empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for the key unless it is present (first value wins).
    mutating func insertIfAbsent(_ rawKey: Key, _ value: UInt32) {
        let k = rawKey.occupied
        var i = slot(k)
        while true {
            let x = keys[i]
            if x == k { return }
            if x == .empty { break }
            i = (i + 1) & mask
        }
        keys[i] = k; values[i] = value
        count += 1
        if count * 4 > keys.count * Key.loadQuarters { grow() }
    }

    private mutating func grow() {
        var bigger = HashIndex(capacity: keys.count * Key.loadQuarters / 2)
        for i in keys.indices where keys[i] != .empty { bigger.insertIfAbsent(keys[i], values[i]) }
        self = bigger
    }
}

/// A key of `HashIndex`: an already-hashed value whose all-zero bit pattern marks an empty slot.
protocol HashIndexKey: Equatable {
    static var empty: Self { get }
    /// The key as stored: itself, or a fixed stand-in for the all-zero key.
    var occupied: Self { get }
    /// Mixed bits whose high half picks the first slot.
    var mixed: UInt64 { get }
    /// The table grows past this many quarters full (2 or 3).
    static var loadQuarters: Int { get }
}

extension UInt64: HashIndexKey {
    static var empty: UInt64 { 0 }
    var occupied: UInt64 { self == 0 ? 1 : self }
    var mixed: UInt64 { self &* 0xBF58_476D_1CE4_E5B9 }
    static var loadQuarters: Int { 3 }
}

extension ContentHash: HashIndexKey {
    static var empty: ContentHash { ContentHash(high: 0, low: 0) }
    var occupied: ContentHash { high == 0 && low == 0 ? ContentHash(high: 1, low: 0) : self }
    var mixed: UInt64 { (high ^ (low &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9 }
    static var loadQuarters: Int { 2 }
}
