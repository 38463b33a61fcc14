import AIGCCore
import Foundation

extension Tokenizer {
    static func loadHF(_ data: Data, source: String, sha256: String) throws -> Tokenizer {
        throw AIGCError.unsupported("\(source): tokenizer.json loading is not implemented yet")
    }

    static func loadGPT2(encoder: URL, data: Data, sha256: String, pattern: PreTokenizerPattern?,
                         specialTokens: [String: UInt32]?) throws -> Tokenizer {
        throw AIGCError.unsupported("\(encoder.path): GPT-2 encoder.json loading is not implemented yet")
    }
}
