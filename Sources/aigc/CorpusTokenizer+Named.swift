import AIGC
import Foundation

/// Named encodings (`cl100k_base`, `o200k_base`, …) or a vocabulary file (`.tiktoken`, `tokenizer.json`).
func loadNamedTokenizer(_ spec: String) throws -> any CorpusTokenizer {
    if FileManager.default.fileExists(atPath: spec) { return try Tokenizer(contentsOf: URL(fileURLWithPath: spec)) }
    return try Tokenizer.named(spec)
}
