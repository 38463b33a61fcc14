import AIGCCorpus
import AIGCModel
import AIGCTokenizer
import Foundation

/// A model directory made ready to answer: weights, the tokenizer it speaks (as the model module's `TokenCodec`,
/// and as a `Tokenizer` for BPE models), and the chat template it was trained with. Shared by `aigc serve` and the
/// `AIGC` facade, so both read a model directory the same way.
///
/// The tokenizer is the model card's `tokenizer` (a named encoding or a file in the directory), else the
/// directory's `tokenizer.json` or nanoGPT `meta.json`. The chat template is the card's `chat_template`, else
/// ChatML when the tokenizer has `<|im_start|>`/`<|im_end|>`; otherwise the model has no chat (and
/// `chatUnavailable` says why).
public final class LoadedModel: Sendable {
    public let id: String
    public let directory: URL
    public let model: GPTModel
    public let codec: (any TokenCodec)?
    public let tokenizer: Tokenizer?
    public let card: ModelCard?
    public let chat: ChatPrompt?
    public let chatUnavailable: String?
    /// Unix time the weights were written (OpenAI's `created`).
    public let created: Int

    public init(id: String, directory: URL) throws {
        self.id = id
        self.directory = directory
        // The store's check (files present, card readable) and the loader every command uses for a model's
        // tokenizer (the card's named encoding or file, which must stay inside the directory; else meta.json or
        // tokenizer.json).
        if let problem = ModelStore.problem(with: directory) { throw AIGCError.io("\(directory.path): \(problem)") }
        model = try GPTModel.load(directory: directory)
        card = try ModelCard.load(directory: directory)
        let codec = try TokenCodecLoader.load(modelDirectory: directory)
        let tok = (codec as? BPETokenCodec)?.tokenizer
        if let tok { try TokenCodecLoader.ensureFits(tok, spec: "the tokenizer of \(directory.path)", vocabularySize: model.config.vocabSize) }
        self.tokenizer = tok
        self.codec = codec
        var chat: ChatPrompt?
        var why: String?
        let V = model.config.vocabSize
        if let name = card?.chatTemplate {
            guard let template = ChatTemplate(rawValue: name) else {
                throw AIGCError.input(location: directory.path, message: "unknown chat template '\(name)'")
            }
            guard let tok else { throw AIGCError.input(location: directory.path, message: "chat template '\(name)' needs a BPE tokenizer") }
            chat = try ChatPrompt(template: template, tokenizer: tok, vocabularySize: V)
        } else if let tok, tok.specialTokens["<|im_start|>"] != nil, tok.specialTokens["<|im_end|>"] != nil {
            chat = try? ChatPrompt(template: .chatml, tokenizer: tok, vocabularySize: V)
            if chat == nil { why = "the model's ChatML tokens lie outside its vocabulary" }
        } else {
            why = "model '\(id)' has no recorded chat template and its tokenizer has no <|im_start|>/<|im_end|> tokens; use /v1/completions"
        }
        self.chat = chat
        chatUnavailable = chat == nil ? why : nil
        let attrs = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("model.safetensors").path)
        created = Int(((attrs?[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970)
    }

    /// Prompt text → ids (special tokens such as `<|im_start|>` in the text become their ids).
    public func encode(_ text: String) throws -> [Int32] {
        guard let codec else { throw AIGCError.unsupported("model '\(id)' has no tokenizer: send token ids") }
        return try codec.encode(text)
    }
}
