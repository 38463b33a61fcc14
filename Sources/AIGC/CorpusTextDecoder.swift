import AIGCCorpus
import Foundation

/// Token ids of a built corpus back to text: ordinary ids through the corpus's tokenizer, special tokens
/// (template markers the corpus added, `<|im_start|>` …) as their text. Shared by `aigc adversarial` and the
/// pipeline's adversarial stage (decoded samples and distinct-n).
public enum CorpusTextDecoder {
    public static func make(_ tokenizer: any CorpusTokenizer, specialTokens: [String: Int32]) -> @Sendable ([Int32]) -> String {
        var special: [Int32: String] = [:]
        for (text, id) in specialTokens { special[id] = text }
        return { [special] ids in
            var out: [UInt8] = []
            var run: [UInt32] = []
            func flush() { if !run.isEmpty { out += tokenizer.decode(run); run.removeAll() } }
            for id in ids {
                if let s = special[id] { flush(); out += Array(s.utf8) } else if id >= 0 { run.append(UInt32(id)) }
            }
            flush()
            return String(decoding: out, as: UTF8.self)
        }
    }
}
