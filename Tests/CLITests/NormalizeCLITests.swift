import Foundation
import Testing

@Suite struct NormalizeCLITests {
    static let sample = Data("Ｈｅｌｌｏ ﬁne e\u{301} ①② 한국어 ｶﾀｶﾅ x² ΟΔΟΣ\r\nline\u{2028}two 😀\u{200B}\n".utf8)

    @Test func formsEqualUconvByteForByte() throws {
        guard let uconv = CLI.which("uconv") else {
            Issue.record("uconv (Debian icu-devtools) is required; Scripts/install-deps.sh installs it")
            return
        }
        let dir = try CLI.tempDir()
        let input = dir.appendingPathComponent("in.txt")
        var text = Data()
        for _ in 0..<200 { text.append(Self.sample) }
        try text.write(to: input)
        for form in ["NFC", "NFD", "NFKC", "NFKD"] {
            let ours = try CLI.run(["normalize", "--form", form.lowercased(), input.path])
            #expect(ours.status == 0, "\(ours.stderr)")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: uconv)
            p.arguments = ["-f", "utf-8", "-t", "utf-8", "-x", "Any-\(form)", input.path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let theirs = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(ours.stdout == theirs, "\(form) differs from uconv")
        }
    }

    @Test func stdinStdoutAndStats() throws {
        let r = try CLI.run(["normalize", "--form", "nfkc", "--lowercase", "--newlines", "--remove-format", "--stats"], stdin: Self.sample)
        #expect(r.status == 0)
        #expect(r.out == "hello fine é 12 한국어 カタカナ x2 οδος\nline\ntwo 😀\n")
        #expect(r.stderr.contains("bytes_in=\(Self.sample.count)"))
        #expect(r.stderr.contains("zero_width=1"))
    }

    @Test func invalidUTF8ReplaceOrFail() throws {
        let bad = Data([0x61, 0x62, 0x0A, 0x63, 0xFF, 0x64])
        let ok = try CLI.run(["normalize", "--stats"], stdin: bad)
        #expect(ok.status == 0)
        #expect(ok.out == "ab\nc\u{FFFD}d")
        #expect(ok.stderr.contains("invalid_utf8_replaced=1"))
        let dir = try CLI.tempDir()
        let f = dir.appendingPathComponent("bad.txt")
        try bad.write(to: f)
        let fail = try CLI.run(["normalize", "--invalid", "fail", f.path])
        #expect(fail.status != 0)
        #expect(fail.stderr.contains("bad.txt: invalid UTF-8 at byte offset 4"))
        #expect(fail.stderr.split(separator: "\n").count == 1)
        // The one policy's values and names: skip leaves the invalid bytes out; --invalid-utf8 is the same option.
        let skip = try CLI.run(["normalize", "--invalid-utf8", "skip", "--stats"], stdin: bad)
        #expect(skip.status == 0 && skip.out == "ab\ncd")
        #expect(skip.stderr.contains("invalid_utf8_replaced=1"))
        let alias = try CLI.run(["normalize", "--invalid-utf8", "drop"], stdin: bad)
        #expect(alias.status == 0 && alias.out == "ab\ncd")
        let wrong = try CLI.run(["normalize", "--invalid-utf8", "ignore"], stdin: bad)
        #expect(wrong.status != 0 && wrong.stderr.contains("replace"))
    }

    @Test func outputFileConfigAndErrors() throws {
        let dir = try CLI.tempDir()
        let cfg = dir.appendingPathComponent("n.json")
        try Data(#"{"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]}"#.utf8).write(to: cfg)
        let out = dir.appendingPathComponent("out.txt")
        let r = try CLI.run(["normalize", "--config", cfg.path, "--output", out.path], stdin: Data("Ça Va".utf8))
        #expect(r.status == 0)
        #expect(try String(contentsOf: out, encoding: .utf8) == "ca va")
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["n.json", "out.txt"])

        let badForm = try CLI.run(["normalize", "--form", "nfx"], stdin: Data())
        #expect(badForm.status != 0 && badForm.stderr.contains("nfx"))
        let missing = try CLI.run(["normalize", dir.appendingPathComponent("nope.txt").path])
        #expect(missing.status != 0 && missing.stderr.contains("nope.txt"))
        try Data(#"{"type": "Precompiled"}"#.utf8).write(to: cfg)
        let unsupported = try CLI.run(["normalize", "--config", cfg.path], stdin: Data())
        #expect(unsupported.status != 0 && unsupported.stderr.contains("Precompiled"))
        let translit = try CLI.run(["normalize", "--transliterate", "Traditional-Simplified"], stdin: Data("漢語".utf8))
        #expect(translit.out == "汉语")
    }

    @Test func helpForEverySubcommand() throws {
        let root = try CLI.run(["--help"])
        #expect(root.status == 0)
        let commands = ["normalize", "encode", "decode", "count", "train-tokenizer", "convert-tokenizer", "corpus",
                        "audit", "pretrain", "generate", "export-hf", "finetune", "gan", "adversarial"]
        for c in commands {
            #expect(root.out.components(separatedBy: "\n  \(c) ").count == 2, "\(c) listed once in aigc --help")
            let r = try CLI.run([c, "--help"])
            #expect(r.status == 0 && r.out.contains("USAGE"), "aigc \(c) --help")
        }
        for sub in [["corpus", "build"], ["corpus", "merge"], ["corpus", "inspect"], ["gan", "train"]] {
            let r = try CLI.run(sub + ["--help"])
            #expect(r.status == 0 && r.out.contains("USAGE"), "aigc \(sub.joined(separator: " ")) --help")
        }
    }
}
