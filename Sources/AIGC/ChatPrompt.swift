import AIGCCorpus
import AIGCModel
import AIGCTokenizer

/// One chat message (OpenAI `{"role", "content"}`).
public struct ChatMessage: Sendable, Equatable {
    public var role: Role
    public var content: String
    public init(role: Role, content: String) { self.role = role; self.content = content }
    public static func system(_ s: String) -> ChatMessage { .init(role: .system, content: s) }
    public static func user(_ s: String) -> ChatMessage { .init(role: .user, content: s) }
    public static func assistant(_ s: String) -> ChatMessage { .init(role: .assistant, content: s) }
}

/// Chat messages → prompt ids, rendered exactly as the corpus builder rendered the model's training conversations
/// (the same `DocumentRenderer`), followed by the header that opens the assistant's turn. Generation stops at the
/// template's end-of-turn token. Message contents are encoded as ordinary text: a `<|im_end|>` typed by a user is
/// text, never the special token, so a message cannot forge turns.
public struct ChatPrompt: Sendable {
    public let template: ChatTemplate
    let renderer: DocumentRenderer<Tokenizer>
    let header: [Int32]
    /// Tokens that end the assistant's turn.
    public let endOfTurn: Set<Int32>
    /// Text that ends the assistant's turn (the plain template's next-turn labels).
    public let stopTexts: [String]

    /// Throws `AIGCError.unsupported` when the tokenizer lacks the template's special tokens or the model's
    /// vocabulary does not cover them.
    public init(template: ChatTemplate, tokenizer: Tokenizer, vocabularySize: Int) throws {
        for name in template.specialTokens {
            guard let id = tokenizer.specialTokens[name], Int(id) < vocabularySize else {
                throw AIGCError.unsupported("the model's tokenizer has no \(name) token within its vocabulary of \(vocabularySize), so it cannot use the \(template.rawValue) chat template")
            }
        }
        self.template = template
        renderer = try DocumentRenderer(tokenizer: tokenizer, template: template)
        func special(_ s: String) -> Int32 { Int32(bitPattern: tokenizer.specialTokens[s] ?? 0) }
        func text(_ s: String) -> [Int32] { tokenizer.encodeOrdinary(s).map { Int32(bitPattern: $0) } }
        switch template {
        case .chatml:
            header = [special("<|im_start|>")] + text("assistant\n")
            endOfTurn = [special("<|im_end|>"), special(ChatTemplate.endOfText)]
            stopTexts = []
        case .llama3:
            header = [special("<|start_header_id|>")] + text("assistant") + [special("<|end_header_id|>")] + text("\n\n")
            endOfTurn = [special("<|eot_id|>"), special(ChatTemplate.endOfText)]
            stopTexts = []
        case .plain:
            header = text("Assistant: ")
            endOfTurn = [special(ChatTemplate.endOfText)]
            stopTexts = ["\nUser:", "\nSystem:", "\nAssistant:"]
        }
    }

    /// The prompt ids for `messages` (at least one), ending with the assistant header.
    public func render(_ messages: [ChatMessage]) throws -> [Int32] {
        guard !messages.isEmpty else { throw AIGCError.usage("messages must hold at least one message") }
        let turns = messages.map { Turn(role: $0.role, content: Array($0.content.utf8)) }
        var ids = renderer.render(.conversation(turns)).ids.map { Int32(bitPattern: $0) }
        // The plain template closes a conversation with end-of-text; an open conversation must not.
        if template == .plain, let last = ids.last, Int32(bitPattern: renderer.endOfText) == last { ids.removeLast() }
        return ids + header
    }
}
