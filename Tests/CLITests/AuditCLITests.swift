import Foundation
import Testing

/// `aigc audit` end to end: the built binary on the planted fixture, a built corpus directory, and bad input.
@Suite struct AuditCLITests {
    let fixtures = CLI.repoRoot.appendingPathComponent("Fixtures/audit")

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func auditWritesJSONAndHTML() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.json"), html = dir.appendingPathComponent("r.html")
        let r = try CLI.run(["audit", "--input-format", "openai", "--tokenizer", "cl100k_base", "--seq-len", "100",
                             "--against", fixtures.appendingPathComponent("eval.jsonl").path, "--threads", "2",
                             "--json", out.path, "--html", html.path, fixtures.appendingPathComponent("planted.jsonl").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("bidi=2"))
        let j = try json(out)
        let health = try #require(j["text_health"] as? [String: Any])
        #expect(health["invalid_utf8_documents"] as? Int == 2)
        #expect((j["duplicates"] as? [String: Any])?["near_duplicates"] as? Int == 3)
        #expect((j["contamination"] as? [String: Any])?["contaminated_documents"] as? Int == 3)
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("planted.jsonl:23"))
        // The same report with one thread.
        let out1 = dir.appendingPathComponent("r1.json")
        let r1 = try CLI.run(["audit", "--input-format", "openai", "--tokenizer", "cl100k_base", "--seq-len", "100",
                              "--against", fixtures.appendingPathComponent("eval.jsonl").path, "--threads", "1",
                              "--json", out1.path, fixtures.appendingPathComponent("planted.jsonl").path])
        #expect(r1.status == 0)
        #expect(try Data(contentsOf: out) == Data(contentsOf: out1))
    }

    @Test func auditsABuiltCorpusDirectory() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "256",
                             "--output", corpus.path, fixtures.appendingPathComponent("clean.jsonl").path])
        #expect(b.status == 0, "\(b.stderr)")
        let out = dir.appendingPathComponent("c.json"), html = dir.appendingPathComponent("c.html")
        let r = try CLI.run(["audit", "--json", out.path, "--html", html.path, corpus.path])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try json(out)["corpus"] as? [String: Any])
        #expect((c["label_sanity"] as? [String: Any])?["ok"] as? Bool == true)
        let manifest = try json(corpus.appendingPathComponent("manifest.json"))
        let fraction = try #require(c["trained_token_fraction"] as? Double)
        #expect(abs(fraction - (manifest["trained_token_fraction"] as? Double ?? -1)) < 1e-9)
        #expect(try String(contentsOf: html, encoding: .utf8).contains("Label sanity"))
    }

    @Test func badInputIsAOneLineError() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.json")
        let missing = try CLI.run(["audit", "--json", out.path, dir.appendingPathComponent("nope.jsonl").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.jsonl: no such readable file"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let seq = try CLI.run(["audit", "--seq-len", "10", "--json", out.path, fixtures.appendingPathComponent("clean.jsonl").path])
        #expect(seq.status != 0)
        #expect(seq.stderr.contains("--seq-len needs --tokenizer"))
        let notCorpus = try CLI.run(["audit", "--json", out.path, dir.path])
        #expect(notCorpus.status != 0)
        #expect(notCorpus.stderr.contains("no manifest.json"))
    }
}
