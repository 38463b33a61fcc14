/// Rows of `seqLen` int32 values for the four tensors, row-major, ready to write as `[rows, seqLen]`.
public struct RowBlock: Sendable, Equatable, Codable {
    public let seqLen: Int
    public var inputIDs: [Int32] = []
    public var labels: [Int32] = []
    public var positionIDs: [Int32] = []
    public var segmentIDs: [Int32] = []

    public init(seqLen: Int) { self.seqLen = seqLen }

    public var rows: Int { inputIDs.count / max(seqLen, 1) }

    /// Reserves room for `rows` rows in each tensor (one allocation per shard instead of repeated doubling).
    public mutating func reserve(rows: Int) {
        let n = rows * seqLen
        inputIDs.reserveCapacity(n); labels.reserveCapacity(n); positionIDs.reserveCapacity(n); segmentIDs.reserveCapacity(n)
    }

    public mutating func removeAll() {
        inputIDs.removeAll(keepingCapacity: true); labels.removeAll(keepingCapacity: true)
        positionIDs.removeAll(keepingCapacity: true); segmentIDs.removeAll(keepingCapacity: true)
    }
}
