import AIGCCore
import AIGCFormats
import Foundation

/// `DIR/.checkpoint.json`: written atomically after each completed output shard (or ~64 MB of streamed output),
/// after everything before it is durable. A re-run with the same inputs and options continues from it: records
/// before `next_ordinal` are skipped (read but not processed), dedup state is replayed from the journal, partial
/// files are cut back to their recorded lengths — and the result is byte-identical to an uninterrupted run.
package struct BuildCheckpoint: Codable, Sendable, Equatable {
    /// Hash of options, tokenizer and input files (path, size, modification time): a checkpoint only resumes
    /// the same build.
    public var fingerprint: String
    public var nextOrdinal: UInt64
    public var recordsIn: Int
    public var kept: Int
    public var dropped: [String: Int]
    public var pii: [String: Int]
    public var truncated: [String: Int]
    public var journalLength: Int
    public var rejectsLength: Int?
    /// Durable lengths of a shard's dedup key files (`DedupKeyLog`), in part order.
    public var keyLengths: [Int]? = nil
    public var output: OutputCheckpoint

    enum CodingKeys: String, CodingKey {
        case fingerprint, nextOrdinal = "next_ordinal", recordsIn = "records_in", kept, dropped, pii, truncated
        case journalLength = "journal_length", rejectsLength = "rejects_length", keyLengths = "key_lengths", output
    }

    public static func url(in dir: URL) -> URL { dir.appendingPathComponent(".checkpoint.json") }

    public static func fingerprint(options: [String: String], tokenizerSHA: String, inputs: [String]) -> String {
        var h = SHA256()
        for (k, v) in options.sorted(by: { $0.key < $1.key }) { h.update(Array("\(k)=\(v)\n".utf8)) }
        h.update(Array("tokenizer=\(tokenizerSHA)\n".utf8))
        for p in inputs {
            let a = try? FileManager.default.attributesOfItem(atPath: p)
            let size = (a?[.size] as? Int) ?? -1
            let mtime = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            h.update(Array("input=\(p)|\(size)|\(mtime)\n".utf8))
        }
        return h.finalizeHex()
    }

    public static func load(from dir: URL) -> BuildCheckpoint? {
        guard let data = try? Data(contentsOf: url(in: dir)) else { return nil }
        return try? JSONDecoder().decode(BuildCheckpoint.self, from: data)
    }

    public func save(in dir: URL) throws {
        try AtomicFile.write(try JSONEncoder().encode(self), to: Self.url(in: dir))
    }
}
