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

    /// Every fixed text the template emits (tokenized once by `DocumentRenderer`): the three role texts (by
    /// `Role.rawValue`), then the separator.
    public var fixedTexts: [FixedText] { (0...ChatTemplate.separatorIndex).map(fixedText) }

    /// Where the separator is in `fixedTexts`: after one text per role.
    static let separatorIndex = Role.allCases.count

    /// The `k`-th of `fixedTexts` (0…`separatorIndex`).
    func fixedText(_ k: Int) -> FixedText {
        let s: StaticString
        switch (self, k) {
        case (.chatml, 0): s = "system\n"
        case (.chatml, 1): s = "user\n"
        case (.chatml, 2): s = "assistant\n"
        case (.chatml, _): s = "\n"
        case (.llama3, 0): s = "system"
        case (.llama3, 1): s = "user"
        case (.llama3, 2): s = "assistant"
        case (.llama3, _): s = "\n\n"
        case (.plain, 0): s = "System: "
        case (.plain, 1): s = "User: "
        case (.plain, 2): s = "Assistant: "
        case (.plain, _): s = "\n"
        }
        return FixedText(text: s, index: min(k, ChatTemplate.separatorIndex))
    }

    /// The role's header text (chatml `user\n`, llama3 `user`, plain `User: `).
    @inline(__always) func roleText(_ r: Role) -> FixedText { fixedText(Int(r.rawValue)) }
    /// The separator after a turn (chatml and plain `\n`) or a llama3 header (`\n\n`).
    @inline(__always) var separator: FixedText { fixedText(ChatTemplate.separatorIndex) }

    /// The template's pieces for a conversation, in order.
    /// With `trainOnPrompt`, every token is trained except those of `weight: 0` turns.
    public func pieces(_ turns: [Turn], trainOnPrompt: Bool = false) -> [TemplatePiece] {
        var out: [TemplatePiece] = []
        out.reserveCapacity(turns.count * 6 + 2)
        forEachPiece(turns, trainOnPrompt: trainOnPrompt) { out.append($0) }
        return out
    }

    /// `pieces` one at a time, without collecting them: the corpus build renders every record through this, and
    /// the array of pieces (and a fresh one-byte array per separator) cost an allocation, a copy of every text
    /// and a release of each at the end (~2% of a build's CPU). Fixed texts are static (`FixedText`).
    @inline(__always)
    public func forEachPiece(_ turns: [Turn], trainOnPrompt: Bool = false, _ body: (TemplatePiece) -> Void) {
        switch self {
        case .chatml:
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                body(.special("<|im_start|>", trained: trainOnPrompt && train, turn: k))
                body(.fixed(roleText(t.role), trained: trainOnPrompt && train, turn: k))
                body(.text(t.content, trained: train, turn: k))
                body(.special("<|im_end|>", trained: train, turn: k))
                body(.fixed(separator, trained: trainOnPrompt && train, turn: k))
            }
        case .llama3:
            body(.special("<|begin_of_text|>", trained: trainOnPrompt, turn: 0))
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                let header = trainOnPrompt && train
                body(.special("<|start_header_id|>", trained: header, turn: k))
                body(.fixed(roleText(t.role), trained: header, turn: k))
                body(.special("<|end_header_id|>", trained: header, turn: k))
                body(.fixed(separator, trained: header, turn: k))
                body(.text(t.content, trained: train, turn: k))
                body(.special("<|eot_id|>", trained: train, turn: k))
            }
        case .plain:
            var lastTrained = false
            for (k, t) in turns.enumerated() {
                let train = (t.role == .assistant || trainOnPrompt) && t.trainable
                body(.fixed(roleText(t.role), trained: trainOnPrompt && train, turn: k))
                body(.text(t.content, trained: train, turn: k))
                body(.fixed(separator, trained: train, turn: k))
                lastTrained = train
            }
            body(.special(ChatTemplate.endOfText, trained: lastTrained, turn: max(0, turns.count - 1)))
        }
    }
}
