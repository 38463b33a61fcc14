/// A parsed input record: a conversation (dialogue formats) or a plain document (`jsonl`, `text`).
public enum Record: Sendable, Equatable {
    case conversation([Turn])
    case document([UInt8])

    /// The texts the record is made of, in order (turn contents, or the one document).
    public var texts: [[UInt8]] {
        switch self {
        case .conversation(let turns): return turns.map(\.content)
        case .document(let d): return [d]
        }
    }
}
