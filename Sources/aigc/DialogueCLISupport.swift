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
        var special: [Int32: String] = [:]
        for (text, id) in corpus.specialTokens { special[id] = text }
        return { ids in
            var out: [UInt8] = []
            var run: [UInt32] = []
            func flush() { if !run.isEmpty { out += tok.decode(run); run.removeAll() } }
            for id in ids {
                if let s = special[id] { flush(); out += Array(s.utf8) } else if id >= 0 { run.append(UInt32(id)) }
            }
            flush()
            return String(decoding: out, as: UTF8.self)
        }
    }
}
