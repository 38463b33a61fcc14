import AIGCCore
import AIGCText
import Foundation

extension Tokenizer {
    /// A named encoding: `cl100k_base`, `o200k_base` (shipped in `Vocab/`), `r50k_base`, `p50k_base` (when their
    /// files are in the vocabulary directory). The file's SHA-256 must equal tiktoken's.
    public static func named(_ name: String) throws -> Tokenizer {
        guard let enc = NamedEncoding.named(name) else {
            throw AIGCError.usage("unknown encoding \(name.debugDescription); known: "
                                  + NamedEncoding.all.map(\.name).joined(separator: ", "))
        }
        let url = try VocabLocator.find(enc.fileName)
        let data = try readFile(url)
        // The hash runs on a second core while the file is parsed and the table built.
        let (sha, model) = try withHashInParallel(data) {
            let ranks = try data.withUnsafeBytes { raw in
                try TiktokenFile.parse(raw.bindMemory(to: UInt8.self), source: url.lastPathComponent)
            }
            return try BPEModel(rankList: ranks)
        }
        guard sha == enc.sha256 else {
            throw AIGCError.input(location: url.path, message: "SHA-256 \(sha) differs from \(enc.name)'s \(enc.sha256)")
        }
        return Tokenizer(core: try TokenizerCore(model: model, pattern: enc.pattern), name: enc.name, sha256: sha,
                         specialTokens: enc.specialTokens)
    }

    /// Loads a `.tiktoken` file (pattern and specials from the named encoding of the same file name, else the
    /// cl100k pattern and `pattern`/`specialTokens` as given), an HF `tokenizer.json`, or a GPT-2 `encoder.json`
    /// (with `vocab.bpe` beside it).
    public init(contentsOf url: URL) throws {
        try self.init(contentsOf: url, pattern: nil, specialTokens: nil)
    }

    public init(contentsOf url: URL, pattern: PreTokenizerPattern?, specialTokens: [String: UInt32]?) throws {
        let data = try Tokenizer.readFile(url)
        let sha = data.withUnsafeBytes { SHA256.hash(buffer: $0) }
        let base = url.lastPathComponent
        if base.hasSuffix(".json") {
            let firstByte = data.first(where: { $0 > 0x20 })
            if base == "encoder.json" || (firstByte == UInt8(ascii: "{") && !Tokenizer.looksLikeHF(data)) {
                self = try Tokenizer.loadGPT2(encoder: url, data: data, sha256: sha, pattern: pattern, specialTokens: specialTokens)
            } else {
                self = try Tokenizer.loadHF(data, source: url.path, sha256: sha)
            }
            return
        }
        let ranks = try data.withUnsafeBytes { raw in
            try TiktokenFile.parse(raw.bindMemory(to: UInt8.self), source: url.path)
        }
        let model = try BPEModel(rankList: ranks)
        let stem = url.deletingPathExtension().lastPathComponent
        let known = NamedEncoding.all.first { $0.sha256 == sha } ?? NamedEncoding.named(stem)
        let pat = pattern ?? known?.pattern ?? .cl100k
        var specials = specialTokens ?? known?.specialTokens ?? [:]
        if specialTokens == nil && known == nil { specials = ["<|endoftext|>": UInt32(model.idCount)] }
        self.init(core: try TokenizerCore(model: model, pattern: pat), name: known?.name ?? stem, sha256: sha,
                  specialTokens: specials)
    }

    /// Computes the SHA-256 of `data` on another thread while `body` runs.
    static func withHashInParallel<T>(_ data: Data, _ body: () throws -> T) throws -> (String, T) {
        let box = HashBox()
        let done = DispatchSemaphore(value: 0)
        let copy = data
        DispatchQueue.global().async {
            box.hex = copy.withUnsafeBytes { SHA256.hash(buffer: $0) }
            done.signal()
        }
        let result: T
        do { result = try body() } catch { done.wait(); throw error }
        done.wait()
        return (box.hex, result)
    }

    static func looksLikeHF(_ data: Data) -> Bool {
        // tokenizer.json has a top-level "model" object; encoder.json is a flat {token: id} map.
        let head = data.prefix(4096)
        return head.range(of: Data("\"model\"".utf8)) != nil || head.range(of: Data("\"added_tokens\"".utf8)) != nil
            || head.range(of: Data("\"version\"".utf8)) != nil || head.range(of: Data("\"normalizer\"".utf8)) != nil
    }

    static func readFile(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw AIGCError.io("\(url.path): cannot read (\(error.localizedDescription))")
        }
    }
}

/// The result slot of the background hash.
private final class HashBox: @unchecked Sendable { var hex = "" }
