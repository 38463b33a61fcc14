import AIGC
import Foundation

/// Helpers shared by `aigc finetune` and `aigc adversarial`.
enum DialogueCLISupport {
    /// The model directory to start from: `DIR/best` (written by `aigc finetune`) when present, else `DIR`, or
    /// else a registered model name (`ModelStore.resolve`).
    static func modelDirectory(_ path: String) throws -> URL {
        let dir = URL(fileURLWithPath: path)
        let best = dir.appendingPathComponent("best")
        if FileManager.default.fileExists(atPath: best.appendingPathComponent("model.safetensors").path) { return best }
        return try ModelStore.resolve(path)
    }

    /// A decoder that also prints special tokens, for the corpus's token ids: from `tokenizer` (a named encoding
    /// or a tokenizer file) when given, else the model directory's `tokenizer.json` (or its parent's, when
    /// `DIR/best` was picked: a pipeline or registered model carries one), else the tokenizer the corpus manifest
    /// names; nil when none of them can be loaded here.
    static func decoder(for corpus: PackedCorpus, tokenizer: String? = nil, model: URL? = nil) throws -> (([Int32]) -> String)? {
        if let tokenizer { return CorpusTextDecoder.make(try CorpusTokenizerSpec.resolve(tokenizer), specialTokens: corpus.specialTokens) }
        for dir in [model, model?.deletingLastPathComponent()].compactMap({ $0 }) {
            let file = dir.appendingPathComponent("tokenizer.json").path
            if FileManager.default.fileExists(atPath: file) {
                return CorpusTextDecoder.make(try CorpusTokenizerSpec.resolve(file), specialTokens: corpus.specialTokens)
            }
        }
        guard let name = corpus.tokenizerName, let tok = try? CorpusTokenizerSpec.resolve(name) else { return nil }
        return CorpusTextDecoder.make(tok, specialTokens: corpus.specialTokens)
    }
}
