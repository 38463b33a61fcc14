/// Locality-sensitive-hashing index over MinHash band keys: a record is a near duplicate when any of its band
/// keys was seen in the same band before. Memory: one 8-byte key per band per registered record.
public struct LSHIndex: Sendable {
    public let bands: Int
    private var tables: [Set<UInt64>]

    public init(bands: Int) {
        self.bands = bands
        tables = Array(repeating: Set<UInt64>(), count: bands)
    }

    /// Whether any band key is already present.
    public func contains(_ keys: [UInt64]) -> Bool {
        for (band, key) in keys.enumerated() where band < bands && tables[band].contains(key) { return true }
        return false
    }

    /// Registers the keys; returns true if the record was a near duplicate of an earlier one.
    @discardableResult
    public mutating func insert(_ keys: [UInt64]) -> Bool {
        var hit = false
        for (band, key) in keys.enumerated() where band < bands {
            if !tables[band].insert(key).inserted { hit = true }
        }
        return hit
    }

    public var count: Int { tables.first?.count ?? 0 }

    /// All keys of a band, for checkpoints.
    public func keys(band: Int) -> Set<UInt64> { tables[band] }
    public mutating func restore(band: Int, keys: Set<UInt64>) { tables[band] = keys }
}
