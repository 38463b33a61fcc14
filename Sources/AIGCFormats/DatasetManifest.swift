import AIGCCore
import Foundation

/// `manifest.json` of a built corpus: everything needed to reproduce and audit it. Invariant, checked by
/// `validate()`: `records_in == records_kept + Σ dropped`. Written last (atomically), so a directory with a
/// manifest is complete. Keys are snake_case and stable (documented in docs/corpus.md).
public struct DatasetManifest: Codable, Sendable, Equatable {
    public struct Tokenizer: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        public var vocabularySize: Int
        public init(name: String, sha256: String, vocabularySize: Int) {
            self.name = name; self.sha256 = sha256; self.vocabularySize = vocabularySize
        }
        enum CodingKeys: String, CodingKey { case name, sha256, vocabularySize = "vocab_size" }
    }

    public struct FileEntry: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
        public init(path: String, bytes: Int, sha256: String) { self.path = path; self.bytes = bytes; self.sha256 = sha256 }
    }

    /// One byte range a task of a corpus plan read, with the lines and records it held (`aigc corpus merge`
    /// turns the task's ordinals and line numbers back into the single run's with them).
    public struct RangeEntry: Codable, Sendable, Equatable {
        public var input: Int
        public var start: Int
        public var end: Int
        public var lines: Int
        public var records: Int
        public init(input: Int, start: Int, end: Int, lines: Int, records: Int) {
            self.input = input; self.start = start; self.end = end; self.lines = lines; self.records = records
        }
    }

    public struct SplitStats: Codable, Sendable, Equatable {
        public var documents = 0
        public var rows = 0
        public var tokens = 0
        public var trainedTokens = 0
        public var paddingTokens = 0
        public var truncatedDocuments = 0
        public init() {}
        public mutating func add(_ o: SplitStats) {
            documents += o.documents; rows += o.rows; tokens += o.tokens; trainedTokens += o.trainedTokens
            paddingTokens += o.paddingTokens; truncatedDocuments += o.truncatedDocuments
        }
        enum CodingKeys: String, CodingKey {
            case documents, rows, tokens, trainedTokens = "trained_tokens", paddingTokens = "padding_tokens"
            case truncatedDocuments = "truncated_documents"
        }
    }

    public var tool = "aigc"
    public var version = AIGCVersion.string
    /// Every option of the run, as given or defaulted (values as strings).
    public var options: [String: String] = [:]
    public var tokenizer: Tokenizer
    /// Text → id of every special token the outputs use.
    public var specialTokens: [String: UInt32] = [:]
    public var inputs: [FileEntry] = []
    public var recordsIn = 0
    public var recordsKept = 0
    public var dropped: [String: Int] = [:]
    /// Whitespace-only lines in line-based inputs (not records).
    public var blankLines = 0
    /// Personal data replaced by placeholders, per kind.
    public var pii: [String: Int] = [:]
    public var splits: [String: SplitStats] = [:]
    /// Trained tokens / non-padding tokens over all splits.
    public var trainedTokenFraction = 0.0
    public var files: [FileEntry] = []
    /// Shards merged into this output (empty for a direct build).
    public var mergedFrom: [String] = []
    /// Element type of the token files when it is not fixed by the format: "uint16" or "uint32" for nanoGPT
    /// `.bin` files (headerless, so the width must travel with them); absent for other formats and older builds.
    public var tokenDType: String?
    /// A plan task's byte ranges (absent for a whole build and after a merge).
    public var inputRanges: [RangeEntry]?

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    enum CodingKeys: String, CodingKey {
        case tool, version, options, tokenizer, specialTokens = "special_tokens", inputs
        case recordsIn = "records_in", recordsKept = "records_kept", dropped, blankLines = "blank_lines", pii
        case splits, trainedTokenFraction = "trained_token_fraction", files, mergedFrom = "merged_from"
        case tokenDType = "token_dtype", inputRanges = "input_ranges"
    }

    /// Bytes per token of this corpus's nanoGPT `.bin` files: `token_dtype` when recorded, else the writer's rule
    /// (uint32 above 65,536 ids). Throws on an unknown `token_dtype`.
    public func nanoGPTTokenBytes(path: String = "manifest.json") throws -> Int {
        switch tokenDType {
        case "uint16": return 2
        case "uint32": return 4
        case nil: return NanoGPTBinWriter.needsWide(vocabularySize: tokenizer.vocabularySize) ? 4 : 2
        case let other?: throw AIGCError.input(location: path, message: "token_dtype \(other.debugDescription) is not uint16 or uint32")
        }
    }

    /// Throws unless every record is accounted for.
    public func validate(path: String = "manifest.json") throws {
        let d = dropped.values.reduce(0, +)
        guard recordsIn == recordsKept + d else {
            throw AIGCError.input(location: path, message: "records_in \(recordsIn) != records_kept \(recordsKept) + dropped \(d)")
        }
    }

    /// Pretty, key-sorted JSON (stable bytes for equal manifests).
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try e.encode(self)
        data.append(0x0A)
        return data
    }

    public static func read(from url: URL) throws -> DatasetManifest {
        try FileContents.decodeJSON(DatasetManifest.self, from: url, what: "a valid corpus manifest")
    }
}
