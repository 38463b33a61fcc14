/// The input formats `aigc corpus build` reads. Dialogue formats become conversations (turns with roles);
/// `jsonl` and `text` become plain documents for pretraining streams.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
    /// JSONL (or a JSON array) of `{"messages":[{"role":"system|user|assistant","content":…,"weight"?:0|1}]}`.
    case openai
    /// JSON array or JSONL of `{"conversations":[{"from":"system|human|gpt","value":…}]}`.
    case sharegpt
    /// JSON array or JSONL of `{"instruction":…,"input":…,"output":…}` (optional `system`).
    case alpaca
    /// One dialogue per line, utterances separated by `__eou__`; speakers alternate user/assistant.
    case dailydialog
    /// JSONL pretraining documents; the text is in `--text-field` (default `text`).
    case jsonl
    /// Each file is one document.
    case text

    /// True for the formats that produce conversations (and default to `pack` packing).
    public var isDialogue: Bool { self != .jsonl && self != .text }
}
