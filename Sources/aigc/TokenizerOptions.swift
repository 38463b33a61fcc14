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

/// Output formats of token ids.
enum IdFormat: String, ExpressibleByArgument, CaseIterable {
    case text, u16, u32, npy
}

/// Fast decimal formatting of ids.
enum IdText {
    static func append(_ v: UInt32, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { b in
            while x > 0 { b[n] = 0x30 + UInt8(x % 10); x /= 10; n += 1 }
            while n > 0 { n -= 1; out.append(b[n]) }
        }
    }

    static func line(_ ids: some Collection<UInt32>, into out: inout [UInt8]) {
        for (k, id) in ids.enumerated() {
            if k > 0 { out.append(0x20) }
            append(id, to: &out)
        }
        out.append(0x0A)
    }
}
