import AIGC
import Foundation

/// What a finished stage leaves in `WORK/stamps/STAGE.json`: the key of its inputs and options, the SHA-256 of
/// every output file, its time and its key metric. A stage is current when its stamp's key equals the key
/// computed now and every output still has the recorded hash (a deleted or edited output makes it stale).
struct StageStamp: Codable, Sendable, Equatable {
    var stage: String
    var key: String
    /// Output file path (relative to the work directory when inside it, so a moved or copied work directory
    /// checks its own files) → SHA-256 of its bytes.
    var outputs: [String: String]
    var seconds: Double
    var metric: String
    var finished: String

    static func url(_ stage: PipelineStage, work: URL) -> URL {
        work.appendingPathComponent("stamps/\(stage.rawValue).json")
    }

    /// Marks a stage as started with `key`: a later run with the same key resumes it instead of starting over.
    static func pendingURL(_ stage: PipelineStage, work: URL) -> URL {
        work.appendingPathComponent("stamps/\(stage.rawValue).pending")
    }

    static func load(_ stage: PipelineStage, work: URL) -> StageStamp? {
        guard let data = try? Data(contentsOf: url(stage, work: work)) else { return nil }
        return try? JSONDecoder().decode(StageStamp.self, from: data)
    }

    func save(work: URL) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = StageStamp.url(PipelineStage(rawValue: stage) ?? .tokenizer, work: work)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(try e.encode(self) + Data("\n".utf8), to: url)
    }

    /// True when every recorded output exists with its recorded hash.
    func outputsIntact(work: URL) -> Bool {
        outputs.allSatisfy { path, hash in (try? FileHashing.sha256(file: Self.resolve(path, work: work))) == hash }
    }

    /// `path` as recorded: relative to `work` when inside it, else absolute.
    static func record(_ path: String, work: URL) -> String {
        let prefix = work.standardizedFileURL.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func resolve(_ recorded: String, work: URL) -> URL {
        recorded.hasPrefix("/") ? URL(fileURLWithPath: recorded) : work.appendingPathComponent(recorded)
    }
}
