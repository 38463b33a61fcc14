import AIGCCore
import Foundation

extension Tokenizer {
    /// The tokenizer `spec` names — the one rule every command and API uses to read a tokenizer argument:
    ///
    /// 1. a named encoding (`cl100k_base`, `o200k_base`, `r50k_base`, `p50k_base`; see `named(_:)`), else
    /// 2. a file: an HF `tokenizer.json`, a `.tiktoken` file or a GPT-2 `encoder.json` (see `init(contentsOf:)`).
    ///
    /// A name wins over a file of the same name in the working directory (write `./cl100k_base` for the file).
    /// Anything else is an error naming the spec and the known encodings.
    public static func resolve(_ spec: String) throws -> Tokenizer {
        if NamedEncoding.named(spec) != nil { return try named(spec) }
        guard FileManager.default.fileExists(atPath: spec) else {
            throw AIGCError.usage("tokenizer \(spec.debugDescription): unknown encoding and no such file (known encodings: "
                                  + NamedEncoding.all.map(\.name).joined(separator: ", ") + ")")
        }
        return try Tokenizer(contentsOf: URL(fileURLWithPath: spec))
    }
}
