import AIGCAudit
import AIGCCorpus
import AIGCTokenizer
import Foundation

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ name: String) -> String { root.appendingPathComponent("Fixtures/audit/\(name)").path }

    /// Loaded once for all tests (loading is the slow part in debug builds).
    static let cl100k: Result<Tokenizer, Error> = Result { try Tokenizer.named("cl100k_base") }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// The planted fixture's audit as the tests (and docs/audit.md) run it.
    static func plantedOptions(threads: Int = 2) throws -> AuditOptions {
        var o = AuditOptions(inputs: [path("planted.jsonl")], inputFormat: .openai)
        o.tokenizer = try cl100k.get()
        o.seqLen = 100
        o.against = [path("eval.jsonl")]
        o.threads = threads
        return o
    }
}
