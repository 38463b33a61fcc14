import AIGC
import Foundation

/// Resolves `--tokenizer`: a named encoding, `bytes` (one id per byte; tiny, for tests and byte-level models),
/// or a vocabulary file.
func loadCorpusTokenizer(_ spec: String) throws -> any CorpusTokenizer {
    if spec == "bytes" { return ByteLevelTokenizer() }
    return try loadNamedTokenizer(spec)
}
