/// How conversations become token sequences. Every template is rendered piece by piece (special tokens by id,
/// texts encoded separately), so the loss mask is exact: a token is trained iff it comes from assistant content
/// or the end token that closes an assistant turn.
public enum ChatTemplate: String, Sendable, Codable, CaseIterable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` per turn; trained: assistant content + `<|im_end|>`.
    case chatml
    /// Llama 3 style: `<|begin_of_text|>` then `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>`
    /// per turn; trained: assistant content + `<|eot_id|>`.
    case llama3
    /// `System: …\n`, `User: …\n`, `Assistant: …\n` lines, then `<|endoftext|>`; trained: assistant content, its
    /// closing `\n`, and the final `<|endoftext|>`.
    case plain

    /// Special tokens this template uses (added to the tokenizer when missing).
    public var specialTokens: [String] {
        switch self {
        case .chatml: return ["<|im_start|>", "<|im_end|>", ChatTemplate.endOfText]
        case .llama3: return ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", ChatTemplate.endOfText]
        case .plain: return [ChatTemplate.endOfText]
        }
    }

    public static let endOfText = "<|endoftext|>"
    static let roleName: [[UInt8]] = Role.allCases.map { Array($0.name.utf8) }
    static let roleLine: [[UInt8]] = Role.allCases.map { Array(($0.name + "\n").utf8) }

    /// Every fixed text the template emits (tokenized once by `DocumentRenderer`).
    var fixedTexts: [[UInt8]] {
        switch self {
        case .chatml: return ChatTemplate.roleLine + [[0x0A]]
        case .llama3: return ChatTemplate.roleName + [[0x0A, 0x0A]]
        case .plain: return ["System: ", "User: ", "Assistant: "].map { Array($0.utf8) } + [[0x0A]]
        }
    }

    /// The template's pieces for a conversation, in order.
    /// With `trainOnPrompt`, every token is trained except those of `weight: 0` turns.
    public func pieces(_ turns: [Turn], trainOnPrompt: Bool = false) -> [TemplatePiece] {
        var out: [TemplatePiece] = []
        out.reserveCapacity(turns.count * 4 + 2)
        switch self {
        case .chatml:
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                out.append(.special("<|im_start|>", trained: trainOnPrompt && train, turn: k))
                out.append(.fixed(ChatTemplate.roleLine[Int(t.role.rawValue)], trained: trainOnPrompt && train, turn: k))
                out.append(.text(t.content, trained: train, turn: k))
                out.append(.special("<|im_end|>", trained: train, turn: k))
                out.append(.fixed([0x0A], trained: trainOnPrompt && train, turn: k))
            }
        case .llama3:
            out.append(.special("<|begin_of_text|>", trained: trainOnPrompt, turn: 0))
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                let header = trainOnPrompt && train
                out.append(.special("<|start_header_id|>", trained: header, turn: k))
                out.append(.fixed(ChatTemplate.roleName[Int(t.role.rawValue)], trained: header, turn: k))
                out.append(.special("<|end_header_id|>", trained: header, turn: k))
                out.append(.fixed([0x0A, 0x0A], trained: header, turn: k))
                out.append(.text(t.content, trained: train, turn: k))
                out.append(.special("<|eot_id|>", trained: train, turn: k))
            }
        case .plain:
            var lastTrained = false
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                let label: String
                switch t.role {
                case .system: label = "System: "
                case .user: label = "User: "
                case .assistant: label = "Assistant: "
                }
                out.append(.fixed(Array(label.utf8), trained: trainOnPrompt && train, turn: k))
                out.append(.text(t.content, trained: train, turn: k))
                out.append(.fixed([0x0A], trained: train, turn: k))
                lastTrained = train
            }
            out.append(.special(ChatTemplate.endOfText, trained: lastTrained, turn: max(0, turns.count - 1)))
        }
        return out
    }
}
