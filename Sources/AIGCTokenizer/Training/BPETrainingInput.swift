/// One training input as recorded in `training.json`.
public struct BPETrainingInput: Sendable, Equatable {
    public var path: String
    public var bytes: Int
    public var sha256: String
}
