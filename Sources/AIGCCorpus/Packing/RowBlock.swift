/// Rows of `seqLen` int32 values for the four tensors, row-major, ready to write as `[rows, seqLen]`.
public struct RowBlock: Sendable, Equatable, Codable {
    public let seqLen: Int
    public var inputIDs: [Int32] = []
    public var labels: [Int32] = []
    public var positionIDs: [Int32] = []
    public var segmentIDs: [Int32] = []

    public init(seqLen: Int) { self.seqLen = seqLen }

    public var rows: Int { inputIDs.count / max(seqLen, 1) }

    public mutating func removeAll() {
        inputIDs.removeAll(keepingCapacity: true); labels.removeAll(keepingCapacity: true)
        positionIDs.removeAll(keepingCapacity: true); segmentIDs.removeAll(keepingCapacity: true)
    }
}
