/// A dialogue role. Raw values are the names used in OpenAI-format messages and in chat templates.
public enum Role: UInt8, Sendable, Codable, CaseIterable {
    case system = 0, user = 1, assistant = 2

    public var name: String {
        switch self {
        case .system: return "system"
        case .user: return "user"
        case .assistant: return "assistant"
        }
    }
}
