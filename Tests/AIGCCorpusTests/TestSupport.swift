import AIGCCorpus
import Foundation

enum TestSupport {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dialogues = repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl")

    static func tempDir(_ name: String = "corpus-test") throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func records(_ format: InputFormat, _ text: String, textField: String = "text") throws -> [(RecordParser.Failure?, Record?)] {
        let dir = try tempDir()
        let path = try write(text, "input", in: dir)
        let reader = InputReader(paths: [path], format: format)
        let parser = RecordParser(format: format, textField: textField)
        var out: [(RecordParser.Failure?, Record?)] = []
        while let batch = try reader.nextBatch() {
            for r in batch.records {
                let (rec, _, f) = parser.parse(Array(batch.storage[r.range]))
                out.append((f, rec))
            }
        }
        return out
    }

    /// Every file of a directory (name → bytes), for byte-identity checks.
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for n in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[n] = try Data(contentsOf: dir.appendingPathComponent(n))
        }
        return out
    }

    static func options(_ inputs: [String], _ format: InputFormat = .openai, out: URL) -> CorpusBuildOptions {
        var o = CorpusBuildOptions(inputs: inputs, inputFormat: format, outputDir: out.path)
        o.seqLen = 256
        o.valFraction = 0.2
        o.threads = 1
        o.progress = false
        return o
    }
}
