/// A batch of token rows for the model: `inputs[b·T + t]`, with optional `targets` (−100 = ignored), per-token
/// `positions` (restarting per packed conversation; default 0..<T in every row) and `segments` (tokens attend
/// only within their segment; default: one segment per row).
public struct TokenBatch: Sendable {
    public var batch: Int
    public var time: Int
    public var inputs: [Int32]
    public var targets: [Int32]?
    public var positions: [Int32]?
    public var segments: [Int32]?

    public init(batch: Int, time: Int, inputs: [Int32], targets: [Int32]? = nil, positions: [Int32]? = nil, segments: [Int32]? = nil) {
        self.batch = batch
        self.time = time
        self.inputs = inputs
        self.targets = targets
        self.positions = positions
        self.segments = segments
    }

    /// Number of targets that count in the loss.
    public var targetCount: Int { targets?.reduce(0) { $0 + ($1 == -100 ? 0 : 1) } ?? 0 }
}
