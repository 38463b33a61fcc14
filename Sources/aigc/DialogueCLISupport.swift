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

    /// A decoder for the corpus's tokenizer (named in its manifest) that also prints special tokens; nil when
    /// the tokenizer cannot be loaded here.
    static func decoder(for corpus: PackedCorpus) -> (([Int32]) -> String)? {
        guard let name = corpus.tokenizerName, let tok = try? CorpusTokenizerSpec.resolve(name) else { return nil }
        return CorpusTextDecoder.make(tok, specialTokens: corpus.specialTokens)
    }
}
