import ArgumentParser
import AIGC
import Foundation

/// `--encoding NAME | --tokenizer FILE`, shared by encode, decode and count.
struct TokenizerOptions: ParsableArguments {
    @Option(help: "Named encoding: cl100k_base, o200k_base (shipped), r50k_base, p50k_base (if their files are in the vocabulary directory).")
    var encoding: String?
    @Option(help: "Tokenizer: a named encoding, else a file (HF tokenizer.json, a .tiktoken file, or GPT-2 encoder.json with vocab.bpe beside it).")
    var tokenizer: String?
    @Option(help: "Threads (default: all cores). The output never depends on it.")
    var threads: Int?

    func load() throws -> Tokenizer {
        var t: Tokenizer
        switch (encoding, tokenizer) {
        case (let e?, nil): t = try Tokenizer.named(e)
        case (nil, let f?): t = try Tokenizer.resolve(f)
        case (nil, nil): throw ValidationError("give --encoding NAME or --tokenizer FILE")
        default: throw ValidationError("give only one of --encoding and --tokenizer")
        }
        if let threads {
            t.threads = try Limits.threads("--threads", threads)
        }
        return t
    }
}

/// `--format` of `encode` (the formats are `AIGCFormats.TokenIdFormat`).
extension TokenIdFormat: ExpressibleByArgument {}
