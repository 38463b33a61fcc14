/// The tiktoken encodings this toolkit knows: file, expected SHA-256, pattern and special tokens, as in tiktoken's
/// `tiktoken_ext/openai_public.py`. cl100k_base and o200k_base ship in `Vocab/`; r50k_base and p50k_base load when
/// the user puts their `.tiktoken` files in the vocabulary directory.
public struct NamedEncoding: Sendable {
    public let name: String
    public let fileName: String
    public let sha256: String
    public let pattern: PreTokenizerPattern
    public let specialTokens: [String: UInt32]

    public static let all: [NamedEncoding] = [
        NamedEncoding(name: "cl100k_base", fileName: "cl100k_base.tiktoken",
                      sha256: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", pattern: .cl100k,
                      specialTokens: ["<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                                      "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276]),
        NamedEncoding(name: "o200k_base", fileName: "o200k_base.tiktoken",
                      sha256: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", pattern: .o200k,
                      specialTokens: ["<|endoftext|>": 199999, "<|endofprompt|>": 200018]),
        NamedEncoding(name: "r50k_base", fileName: "r50k_base.tiktoken",
                      sha256: "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", pattern: .gpt2,
                      specialTokens: ["<|endoftext|>": 50256]),
        NamedEncoding(name: "p50k_base", fileName: "p50k_base.tiktoken",
                      sha256: "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069", pattern: .gpt2,
                      specialTokens: ["<|endoftext|>": 50256]),
    ]

    public static func named(_ name: String) -> NamedEncoding? { all.first { $0.name == name } }
}
