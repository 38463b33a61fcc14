import Foundation
import Testing

/// `aigc train-tokenizer` end to end: outputs, HF parity of the merges, determinism, options and errors.
@Suite struct TrainTokenizerCLITests {
    static let fixtures = CLI.repoRoot.appendingPathComponent("Fixtures/training")

    func merges(_ dir: URL) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("tokenizer.json"))) as! [String: Any]
        let model = json["model"] as! [String: Any]
        return (model["merges"] as! [[String]]).map { $0.joined(separator: " ") }
    }

    func golden(_ name: String) throws -> [String] {
        try String(contentsOf: Self.fixtures.appendingPathComponent("golden/\(name).merges"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func trainsHFMergesAndWritesAllOutputs() throws {
        let dir = try CLI.tempDir("aigc-train")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["english", "chinese"].map { Self.fixtures.appendingPathComponent("\($0).txt").path }
        let r = try CLI.run(["train-tokenizer", "--vocab-size", "800", "--pattern", "gpt2", "--min-frequency", "2",
                             "--special-token", "<|endoftext|>", "--special-token", "<pad>",
                             "--output", dir.path] + files)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try merges(dir) == golden("english+chinese-gpt2-800-f2"))

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("tokenizer.json"))) as! [String: Any]
        let model = json["model"] as! [String: Any]
        let vocab = model["vocab"] as! [String: Int]
        #expect(vocab.count == 800)
        #expect(vocab["!"] == 0 && vocab["Ġ"] == 220 && vocab["Ń"] == 255)
        let added = json["added_tokens"] as! [[String: Any]]
        #expect(added.map { $0["content"] as! String } == ["<|endoftext|>", "<pad>"])
        #expect(added.map { $0["id"] as! Int } == [800, 801])
        #expect((json["pre_tokenizer"] as! [String: Any])["type"] as? String == "ByteLevel")
        #expect((json["decoder"] as! [String: Any])["type"] as? String == "ByteLevel")

        let tiktoken = try String(contentsOf: dir.appendingPathComponent("tokenizer.tiktoken"), encoding: .utf8)
        let lines = tiktoken.split(separator: "\n")
        #expect(lines.count == 800)
        #expect(lines.first == "IQ== 0")   // "!" has rank 0, as in tiktoken's files
        #expect(lines[220] == "IA== 220")  // space

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("training.json"))) as! [String: Any]
        let inputs = report["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["path"] as! String } == files)
        if let tool = CLI.which("sha256sum") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = [files[0]]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(out.hasPrefix(inputs[0]["sha256"] as! String))
        }
        let counts = report["counts"] as! [String: Any]
        #expect(counts["vocab_size"] as? Int == 800)
        #expect(counts["merges"] as? Int == 544)
        #expect(counts["invalid_lines_skipped"] as? Int == 0)
        #expect((report["special_token_ids"] as! [String: Int]) == ["<|endoftext|>": 800, "<pad>": 801])
        #expect((report["options"] as! [String: Any])["min_frequency"] as? Int == 2)
    }

    /// The acceptance chain: our tokenizer.json, loaded by `aigc encode`, gives the ids HF's own trained tokenizer
    /// gives (golden ids from Scripts/make_training_golden.py), for the gpt2, cl100k and o200k patterns.
    @Test(arguments: [("english+chinese-gpt2-800-f2", ["english", "chinese"], "gpt2", "800", "2"),
                      ("mixed-cl100k-1000-f2", ["mixed"], "cl100k", "1000", "2"),
                      ("mixed-o200k-1200", ["mixed"], "o200k", "1200", "0")])
    func encodeWithTrainedTokenizerEqualsHF(_ c: (String, [String], String, String, String)) throws {
        let dir = try CLI.tempDir("aigc-train-enc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = c.1.map { Self.fixtures.appendingPathComponent("\($0).txt").path }
        let r = try CLI.run(["train-tokenizer", "--vocab-size", c.3, "--pattern", c.2, "--min-frequency", c.4, "--output", dir.path] + files)
        #expect(r.status == 0, "\(r.stderr)")
        for target in ["whitespace", "code"] {
            let e = try CLI.run(["encode", "--tokenizer", dir.appendingPathComponent("tokenizer.json").path, "--lines",
                                 Self.fixtures.appendingPathComponent("\(target).txt").path])
            #expect(e.status == 0, "\(e.stderr)")
            let golden = try String(contentsOf: Self.fixtures.appendingPathComponent("golden/\(c.0).\(target).ids"), encoding: .utf8)
            #expect(e.out == golden, "\(c.0) on \(target).txt")
        }
    }

    @Test func sameBytesForAnyThreadCount() throws {
        let a = try CLI.tempDir("aigc-train-a"), b = try CLI.tempDir("aigc-train-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let file = Self.fixtures.appendingPathComponent("mixed.txt").path
        for (dir, threads) in [(a, "1"), (b, "3")] {
            let r = try CLI.run(["train-tokenizer", "--vocab-size", "700", "--pattern", "cl100k", "--threads", threads, "--output", dir.path, file])
            #expect(r.status == 0, "\(r.stderr)")
        }
        for name in ["tokenizer.json", "tokenizer.tiktoken"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
        }
        // cl100k is written as Split + ByteLevel, with the digit rule spelled so HF's Oniguruma reads it like tiktoken.
        let json = try String(contentsOf: a.appendingPathComponent("tokenizer.json"), encoding: .utf8)
        #expect(json.contains(#"\\p{N}{1,3}|"#))
        #expect(json.contains(#""type": "Split""#))
    }

    @Test func normalizeOptionEqualsTrainingOnNormalizedText() throws {
        let dir = try CLI.tempDir("aigc-train-norm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("lower.json")
        try Data(#"{"type": "Lowercase"}"#.utf8).write(to: config)
        let file = Self.fixtures.appendingPathComponent("mixed.txt").path
        let r = try CLI.run(["train-tokenizer", "--vocab-size", "900", "--normalize", config.path, "--output", dir.appendingPathComponent("out").path, file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try merges(dir.appendingPathComponent("out")) == golden("mixed-gpt2-900-lowercase"))
        let json = try String(contentsOf: dir.appendingPathComponent("out/tokenizer.json"), encoding: .utf8)
        #expect(json.contains(#""normalizer": {"type":"Lowercase"}"#))
    }

    @Test func invalidUTF8IsSkippedWithAWarningOrFails() throws {
        let dir = try CLI.tempDir("aigc-train-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.txt")
        try Data([0x68, 0x69, 0x0A, 0x6F, 0xC3, 0x0A, 0x6F, 0x6B, 0x0A]).write(to: file)
        let skip = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--output", dir.appendingPathComponent("o").path, file.path])
        #expect(skip.status == 0)
        #expect(skip.stderr.contains("skipped 1 line(s) that are not valid UTF-8, first at \(file.path):2 (byte offset 4)"))
        let fail = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--invalid", "fail", "--output", dir.appendingPathComponent("p").path, file.path])
        #expect(fail.status != 0)
        #expect(fail.stderr.contains("\(file.path):2 (byte offset 4): invalid UTF-8"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p/tokenizer.json").path))
        let replace = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--invalid-utf8", "replace", "--output", dir.appendingPathComponent("q").path, file.path])
        #expect(replace.status == 0)
        #expect(replace.stderr.contains("counted 1 line(s) that are not valid UTF-8 with U+FFFD"))
        let training = try String(contentsOf: dir.appendingPathComponent("q/training.json"), encoding: .utf8)
        #expect(training.contains(#""invalid": "replace""#))
    }

    @Test func badOptionsAreClearErrors() throws {
        let dir = try CLI.tempDir("aigc-train-err")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = Self.fixtures.appendingPathComponent("ties.txt").path
        let small = try CLI.run(["train-tokenizer", "--vocab-size", "100", "--output", dir.path, file])
        #expect(small.status != 0 && small.stderr.contains("--vocab-size 100 is below 256"))
        let missing = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--output", dir.path, "/nonexistent/x.txt"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/x.txt"))
        let regex = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--pattern", "(unclosed", "--output", dir.path, file])
        #expect(regex.status != 0 && regex.stderr.contains("aigc: error:"))
        let dup = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--special-token", "<s>", "--special-token", "<s>", "--output", dir.path, file])
        #expect(dup.status != 0 && dup.stderr.contains("given twice"))
        let clash = try CLI.run(["train-tokenizer", "--vocab-size", "300", "--special-token", "ab", "--output", dir.path, file])
        #expect(clash.status != 0 && clash.stderr.contains("--special-token 'ab' is spelled like vocabulary token"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokenizer.json").path))
        let possessive = try CLI.run(["train-tokenizer", "--vocab-size", "260", "--pattern", #"\p{L}{1,2}+|\s+|."#, "--output", dir.path, file])
        #expect(possessive.status == 0 && possessive.stderr.contains("warning: the pattern has a possessive interval"))
    }
}
