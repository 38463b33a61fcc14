/// One turn of a conversation: a role, its UTF-8 content, and whether it may be trained on (OpenAI `weight: 0`
/// turns are kept in the context but never trained).
public struct Turn: Sendable, Equatable {
    public var role: Role
    public var content: [UInt8]
    /// False for OpenAI `weight: 0` turns.
    public var trainable: Bool

    public init(role: Role, content: [UInt8], trainable: Bool = true) {
        self.role = role
        self.content = content
        self.trainable = trainable
    }

    public init(_ role: Role, _ content: String, trainable: Bool = true) {
        self.init(role: role, content: Array(content.utf8), trainable: trainable)
    }
}
