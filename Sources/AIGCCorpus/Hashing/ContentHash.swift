/// 128-bit content identity of a record (two independent `StableHash` lanes over its roles and normalized
/// texts). Exact duplicates are records with equal content hashes; the train/validation split is a function of it.
public struct ContentHash: Hashable, Sendable, Codable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// Hashes a record: for conversations each turn contributes its role and length-prefixed content, so
    /// ("ab","c") and ("a","bc") differ.
    public init(record: Record) {
        var h1: UInt64 = 0x5851f42d4c957f2d, h2: UInt64 = 0x14057b7ef767814f
        switch record {
        case .document(let d):
            h1 = StableHash.hash(d, seed: h1)
            h2 = StableHash.hash(d, seed: h2)
        case .conversation(let turns):
            for t in turns {
                let tag = UInt64(t.role.rawValue) << 56 | UInt64(t.trainable ? 1 : 0) << 48 | UInt64(t.content.count)
                h1 = StableHash.hash(t.content, seed: StableHash.mix(h1 ^ tag, 0x9e3779b97f4a7c15))
                h2 = StableHash.hash(t.content, seed: StableHash.mix(h2 ^ tag, 0xc2b2ae3d27d4eb4f))
            }
        }
        high = h1
        low = h2
    }

    /// A stable value in [0, 1) for the train/validation split (independent of shard and thread count).
    public var unitInterval: Double {
        Double(StableHash.scramble(low ^ 0x243f6a8885a308d3) >> 11) / Double(1 << 53)
    }
}
