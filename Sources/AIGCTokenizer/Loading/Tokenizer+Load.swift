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
        let cacheDir = VocabTableCache.defaultDirectory
        // The file is read and hashed on a second core while the table is read from the cache (or, without a
        // valid cache file, parsed and built).
        var fromCache = false
        let (sha, model) = try withFileHashInParallel(url) { data in
            if let cacheDir, let t = VocabTableCache.load(sha256: enc.sha256, directory: cacheDir) {
                fromCache = true
                return BPEModel(rankTable: t)
            }
            let data = try data()
            let ranks = try data.withUnsafeBytes { raw in
                try TiktokenFile.parse(raw.bindMemory(to: UInt8.self), source: url.lastPathComponent)
            }
            return try BPEModel(rankList: ranks)
        }
        guard sha == enc.sha256 else {
            throw AIGCError.input(location: url.path, message: "SHA-256 \(sha) differs from \(enc.name)'s \(enc.sha256)")
        }
        // Cached only once the vocabulary file's hash is verified.
        if !fromCache, let cacheDir { VocabTableCache.store(model.table, sha256: sha, directory: cacheDir) }
        if let cacheDir { model.splitIndex.useCache(sha256: sha, directory: cacheDir) }
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
        let model: BPEModel
        do { model = try BPEModel(rankList: ranks) } catch AIGCError.input(let location, let message) where location.isEmpty {
            throw AIGCError.input(location: url.path, message: message)
        }
        let stem = url.deletingPathExtension().lastPathComponent
        let known = NamedEncoding.all.first { $0.sha256 == sha } ?? NamedEncoding.named(stem)
        let pat = pattern ?? known?.pattern ?? .cl100k
        var specials = specialTokens ?? known?.specialTokens ?? [:]
        if specialTokens == nil && known == nil { specials = ["<|endoftext|>": UInt32(model.idCount)] }
        self.init(core: try TokenizerCore(model: model, pattern: pat), name: known?.name ?? stem, sha256: sha,
                  specialTokens: specials)
    }

    /// Reads `url` and computes its SHA-256 on another thread while `body` runs; `body` gets the file's data on
    /// demand (waiting for the read).
    static func withFileHashInParallel<T>(_ url: URL, _ body: (() throws -> Data) throws -> T) throws -> (String, T) {
        let box = FileHashBox()
        let read = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do {
                // Mapped, not copied: reading the 2–4 MB file through Foundation took longer than the cached
                // table's whole load (the vocabulary files are read-only data shipped with the tool).
                let data: Data
                do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch { data = try readFile(url) }
                box.data = data
                read.signal()
                box.hex = data.withUnsafeBytes { SHA256.hash(buffer: $0) }
            } catch {
                box.error = error
                read.signal()
            }
            done.signal()
        }
        var waitedRead = false
        let getData: () throws -> Data = {
            if !waitedRead { read.wait(); waitedRead = true }
            if let e = box.error { throw e }
            return box.data ?? Data()
        }
        let result: T
        do { result = try body(getData) } catch { done.wait(); throw error }
        done.wait()
        if let e = box.error { throw e }
        return (box.hex, result)
    }

    static func looksLikeHF(_ data: Data) -> Bool {
        // tokenizer.json has a top-level "model" object; encoder.json is a flat {token: id} map.
        let head = data.prefix(4096)
        return head.range(of: Data("\"model\"".utf8)) != nil || head.range(of: Data("\"added_tokens\"".utf8)) != nil
            || head.range(of: Data("\"version\"".utf8)) != nil || head.range(of: Data("\"normalizer\"".utf8)) != nil
    }

    static func readFile(_ url: URL) throws -> Data {
        try FileContents.read(url, options: .mappedIfSafe)
    }
}

/// The results of the background read and hash (written before the semaphores are signalled).
private final class FileHashBox: @unchecked Sendable {
    var data: Data?
    var hex = ""
    var error: Error?
}
