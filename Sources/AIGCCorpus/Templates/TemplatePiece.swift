/// One piece of a rendered conversation: text to encode, or a special token by name; whether its tokens are
/// trained; and which turn it belongs to (for truncation at turn boundaries).
public enum TemplatePiece: Sendable, Equatable {
    case text([UInt8], trained: Bool, turn: Int)
    /// Template text that never changes (role headers, separators): tokenized once per renderer.
    case fixed([UInt8], trained: Bool, turn: Int)
    case special(String, trained: Bool, turn: Int)
}
