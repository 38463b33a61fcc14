import AIGC
import Foundation

/// Named and file tokenizers for the corpus commands (AIGCTokenizer's `Tokenizer`).
func loadNamedTokenizer(_ spec: String) throws -> any CorpusTokenizer {
    throw AIGCError.usage("unknown tokenizer '\(spec)' (this build knows: bytes)")
}
