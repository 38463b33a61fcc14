import Foundation
import Testing

/// End-to-end tests of `aigc encode`, `decode`, `count` and `convert-tokenizer` (the CLI contract of the issue).
@Suite struct TokenizerCLITests {
    static let golden = CLI.repoRoot.appendingPathComponent("Fixtures/tokenizer")

    @Test func encodeMatchesGoldenWholeAndLines() throws {
        for enc in ["cl100k_base", "o200k_base"] {
            let whole = try CLI.run(["encode", "--encoding", enc, Self.golden.appendingPathComponent("golden.txt").path])
            #expect(whole.status == 0, "\(whole.stderr)")
            #expect(whole.stdout == (try Data(contentsOf: Self.golden.appendingPathComponent("\(enc).whole.txt"))))
            let lines = try CLI.run(["encode", "--encoding", enc, "--lines", Self.golden.appendingPathComponent("golden.txt").path])
            #expect(lines.stdout == (try Data(contentsOf: Self.golden.appendingPathComponent("\(enc).lines.txt"))))
        }
        let hf = try CLI.run(["encode", "--tokenizer", Self.golden.appendingPathComponent("hf-split.json").path, "--lines",
                              "--allowed-special", "all", Self.golden.appendingPathComponent("golden.txt").path])
        #expect(hf.stdout == (try Data(contentsOf: Self.golden.appendingPathComponent("hf-split.lines.txt"))))
    }

    /// A text above the parallel threshold (256 KiB) is encoded in chunks and written chunk by chunk: text, u32 and
    /// a file output equal the single-thread output (one id list, single spaces, one final newline).
    @Test func largeInputStreamsChunksInOrder() throws {
        let text = try Data(contentsOf: Self.golden.appendingPathComponent("golden.txt"))
        var big = Data()
        while big.count < 300_000 { big.append(text); big.append(Data("\n".utf8)) }
        let dir = try CLI.tempDir()
        let input = dir.appendingPathComponent("big.txt")
        try big.write(to: input)
        for fmt in ["text", "u32"] {
            let one = try CLI.run(["encode", "--encoding", "o200k_base", "--format", fmt, "--threads", "1", input.path])
            let two = try CLI.run(["encode", "--encoding", "o200k_base", "--format", fmt, "--threads", "2", input.path])
            #expect(one.status == 0 && two.status == 0, "\(two.stderr)")
            #expect(!one.stdout.isEmpty && one.stdout == two.stdout, "\(fmt)")
            if fmt == "text" {
                #expect(two.out.hasSuffix("\n") && !two.out.contains("  ") && !two.out.dropLast().contains("\n"))
            }
        }
        let out = dir.appendingPathComponent("ids.txt")
        #expect(try CLI.run(["encode", "--encoding", "o200k_base", "--threads", "2", "--output", out.path, input.path]).status == 0)
        let one = try CLI.run(["encode", "--encoding", "o200k_base", "--threads", "1", input.path])
        #expect(try Data(contentsOf: out) == one.stdout)
    }

    @Test func outputFormatsAndLinesContract() throws {
        let r = try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: Data("hello world".utf8))
        #expect(r.out == "15339 1917\n")
        #expect(try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: Data()).out == "\n")
        // --lines: the \n is not encoded, no line after a final \n, an empty line for an empty input line.
        let l = try CLI.run(["encode", "--encoding", "cl100k_base", "--lines"], stdin: Data("hello\n\nworld\n".utf8))
        #expect(l.out == "15339\n\n14957\n")
        let u32 = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u32"], stdin: Data("hello world".utf8))
        #expect(u32.stdout == Data([0xEB, 0x3B, 0, 0, 0x7D, 0x07, 0, 0]))
        let npyDir = try CLI.tempDir()
        let npy = npyDir.appendingPathComponent("ids.npy")
        #expect(try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "npy", "--output", npy.path], stdin: Data("hello world".utf8)).status == 0)
        let nb = try Data(contentsOf: npy)
        #expect(nb.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
        let headerLen = Int(nb[8]) | Int(nb[9]) << 8
        #expect((10 + headerLen) % 64 == 0)
        #expect(String(decoding: nb[10..<(10 + headerLen)], as: UTF8.self).contains("'descr': '<u4'"))
        #expect(String(decoding: nb[10..<(10 + headerLen)], as: UTF8.self).contains("'shape': (2,)"))
        #expect(nb.suffix(8) == Data([0xEB, 0x3B, 0, 0, 0x7D, 0x07, 0, 0]))
        // u16 is refused for vocabularies that do not fit.
        let u16 = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u16"], stdin: Data("x".utf8))
        #expect(u16.status != 0 && u16.stderr.contains("u16"))
    }

    @Test func encodeDecodeRoundTripsBytesExactly() throws {
        let text = try Data(contentsOf: Self.golden.appendingPathComponent("golden.txt"))
        let dir = try CLI.tempDir()
        for (fmt, enc) in [("text", "cl100k_base"), ("u32", "o200k_base")] {
            let ids = dir.appendingPathComponent("ids.\(fmt)")
            #expect(try CLI.run(["encode", "--encoding", enc, "--format", fmt, "--output", ids.path], stdin: text).status == 0)
            let back = try CLI.run(["decode", "--encoding", enc, "--format", fmt, ids.path])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(back.stdout == text)
        }
        // --lines round trip through u32 terminators.
        let sample = Data("a b\n\nüñï 😀\n".utf8)
        let enc = try CLI.run(["encode", "--encoding", "cl100k_base", "--lines", "--format", "u32"], stdin: sample)
        let dec = try CLI.run(["decode", "--encoding", "cl100k_base", "--lines", "--format", "u32"], stdin: enc.stdout)
        #expect(dec.stdout == sample)
        let dect = try CLI.run(["decode", "--encoding", "cl100k_base", "--lines"], stdin: Data("64 293\n\n15339\n".utf8))
        #expect(dect.out == "a b\n\nhello\n")
    }

    @Test func specialTokensInTheCLI() throws {
        let text = Data("x<|endoftext|>".utf8)
        let plain = try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: text)
        #expect(!plain.out.contains("100257"))
        let all = try CLI.run(["encode", "--encoding", "cl100k_base", "--allowed-special", "all"], stdin: text)
        #expect(all.out == "87 100257\n")
        let some = try CLI.run(["encode", "--encoding", "cl100k_base", "--allowed-special", "<|endoftext|>"], stdin: text)
        #expect(some.out == "87 100257\n")
        let bad = try CLI.run(["encode", "--encoding", "cl100k_base", "--allowed-special", "<|nope|>"], stdin: text)
        #expect(bad.status != 0 && bad.stderr.contains("<|nope|>"))
    }

    @Test func countAndErrors() throws {
        let dir = try CLI.tempDir()
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try Data("hello world".utf8).write(to: a)
        try Data("hello".utf8).write(to: b)
        let c = try CLI.run(["count", "--encoding", "cl100k_base", a.path, b.path])
        #expect(c.out == "2 \(a.path)\n1 \(b.path)\n3 total\n")
        // Clear one-line errors, non-zero status.
        let invalid = try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: Data([0x61, 0xFF, 0x62]))
        #expect(invalid.status != 0 && invalid.stderr.contains("invalid UTF-8 at byte 1"))
        let unknown = try CLI.run(["encode", "--encoding", "nope"], stdin: Data("x".utf8))
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown encoding"))
        let badId = try CLI.run(["decode", "--encoding", "cl100k_base"], stdin: Data("1 2 x".utf8))
        #expect(badId.status != 0 && badId.stderr.contains("column 5"))
        let bigId = try CLI.run(["decode", "--encoding", "cl100k_base"], stdin: Data("999999".utf8))
        #expect(bigId.status != 0 && bigId.stderr.contains("unknown token id 999999"))
        let both = try CLI.run(["encode", "--encoding", "cl100k_base", "--tokenizer", "x.json"], stdin: Data())
        #expect(both.status != 0)
    }

    @Test func vocabDirectoryFromEnvironment() throws {
        // AIGC_VOCAB_DIR wins over the built-in search; a directory without the file is a clear error.
        let empty = try CLI.tempDir()
        let r = try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: Data("x".utf8), environment: ["AIGC_VOCAB_DIR": empty.path])
        #expect(r.status == 0, "falls back to the other locations when the env dir lacks the file")
        let dir = try CLI.tempDir()
        try "IQ== 0\n".write(to: dir.appendingPathComponent("cl100k_base.tiktoken"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["encode", "--encoding", "cl100k_base"], stdin: Data("x".utf8), environment: ["AIGC_VOCAB_DIR": dir.path])
        #expect(bad.status != 0 && bad.stderr.contains("SHA-256"))
        // Found from another working directory (next to the executable / the checkout).
        let elsewhere = try CLI.run(["count", "--encoding", "o200k_base"], stdin: Data("hi".utf8), cwd: empty)
        #expect(elsewhere.out == "1 -\n")
    }

    @Test func largeInputInvalidUTF8OffsetsAreExact() throws {
        // Inputs ≥ 1 MiB are checked in two halves split next to the middle: the first invalid byte is still
        // reported exactly, wherever it is, and sequences across the middle are valid.
        let unit = Array("ab 日本語 ж€ 𝟙\n".utf8)
        var text: [UInt8] = []
        while text.count < 1 << 21 { text.append(contentsOf: unit) }
        let dir = try CLI.tempDir()
        let f = dir.appendingPathComponent("big.txt")
        for shift in 0..<unit.count {
            var t = Array(text.prefix(text.count - shift))
            if shift == 0 {
                try Data(t).write(to: f)
                let ok = try CLI.run(["count", "--encoding", "cl100k_base", f.path])
                #expect(ok.status == 0)
                // A file this large is read and encoded window by window; stdin is read whole: same ids.
                let fromFile = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u32", f.path])
                let fromStdin = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u32"], stdin: Data(t))
                #expect(fromFile.status == 0 && fromStdin.status == 0 && fromFile.stdout.count > 1 << 18 && fromFile.stdout == fromStdin.stdout)
                continue
            }
            let mid = t.count / 2
            var bad = shift % 3 == 0 ? mid + shift : (shift % 3 == 1 ? mid - shift : t.count - 1 - shift)
            while t[bad] >= 0x80 { bad -= 1 }  // on an ASCII byte (a sequence boundary): the error is exactly there
            t[bad] = 0xFF
            if shift % 4 == 0 { t[t.count - 2] = 0xC0 }  // a later invalid byte never wins
            try Data(t).write(to: f)
            let r = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u32", f.path])
            #expect(r.status != 0 && r.stderr.contains("invalid UTF-8 at byte \(bad)"), "shift \(shift): \(r.stderr)")
        }
    }

    /// `--lines` on a large file reads it window by window, each window up to its last newline (a window without
    /// one grows): the same ids as the whole input from stdin, for any policy, with windows far smaller than the
    /// file (test hook `AIGC_TEST_READ_WINDOW`), CRLF, empty lines, a line over 1 MiB (streamed on its own), no
    /// final newline; an invalid byte is named with its line and exact offset.
    @Test func largeFileLinesAreReadInWindows() throws {
        let units = ["Hello world\n", "日本語のテキスト\r\n", "\n", "  spaced   out  \n", "Привет, мир 123\n", "😀👍🏽 emoji\n",
                     "<|endoftext|> special\n", "x\n", "नमस्ते दुनिया\n"]
        var text: [UInt8] = []
        var k = 0
        while text.count < 700_000 { text += Array(units[k % units.count].utf8); k += 7 }
        text += [UInt8](repeating: 0x61, count: (1 << 20) + 5000) + [0x0A]  // one line longer than EncodeCommand.longLine
        k = 3
        while text.count < 2_300_000 { text += Array(units[k % units.count].utf8); k += 5 }
        text += Array("last line without newline".utf8)
        let dir = try CLI.tempDir()
        let f = dir.appendingPathComponent("lines.txt")
        try Data(text).write(to: f)
        for (extra, windows) in [([String](), ["4096", ""]), (["--allowed-special", "all"], ["100000"])] {
            let args = ["encode", "--encoding", "cl100k_base", "--lines", "--format", "u32"] + extra
            let fromStdin = try CLI.run(args, stdin: Data(text))
            #expect(fromStdin.status == 0 && fromStdin.stdout.count > 1 << 18, "\(fromStdin.stderr)")
            for window in windows {
                let env = window.isEmpty ? [:] : ["AIGC_TEST_READ_WINDOW": window]
                let fromFile = try CLI.run(args + [f.path], environment: env)
                #expect(fromFile.status == 0 && fromFile.stdout == fromStdin.stdout, "\(extra) window \(window): \(fromFile.stderr)")
            }
        }
        var bad = text
        let at = 1_900_000
        var offset = at
        while bad[offset] >= 0x80 { offset += 1 }
        bad[offset] = 0xFF
        try Data(bad).write(to: f)
        let line = bad[..<offset].filter { $0 == 0x0A }.count + 1
        let r = try CLI.run(["encode", "--encoding", "cl100k_base", "--lines", f.path], environment: ["AIGC_TEST_READ_WINDOW": "4096"])
        #expect(r.status != 0 && r.stderr.contains("lines.txt:\(line)") && r.stderr.contains("invalid UTF-8 at byte \(offset)"), "\(r.stderr)")
    }

    @Test func vocabularyTableCache() throws {
        // The first run writes the built table to the cache directory, later runs read it: same ids; a damaged
        // cache file is ignored and rewritten; AIGC_VOCAB_CACHE=off neither reads nor writes one.
        let cache = try CLI.tempDir()
        let env = ["AIGC_VOCAB_CACHE_DIR": cache.path]
        let text = Data("Hello wörld 日本語 ====================================== 12345\n".utf8)
        let plain = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text, environment: ["AIGC_VOCAB_CACHE": "off"])
        #expect(plain.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
        let first = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text, environment: env)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".vocabtable") }
        #expect(first.out == plain.out && files.count == 1)
        let file = cache.appendingPathComponent(try #require(files.first))
        let good = try Data(contentsOf: file)
        let second = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text, environment: env)
        #expect(second.status == 0 && second.out == plain.out)
        var bad = good
        bad[bad.count / 2] ^= 1
        try bad.write(to: file)
        let third = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text, environment: env)
        #expect(third.status == 0 && third.out == plain.out)
        #expect(try Data(contentsOf: file) == good, "rewritten after the damaged copy was rejected")
        // The split index (built for the run of '='), cached beside it: a damaged copy is rejected and rewritten.
        let si = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".splitindex") }
        let siFile = cache.appendingPathComponent(try #require(si.first))
        let siGood = try Data(contentsOf: siFile)
        var siBad = siGood
        siBad[siBad.count - 1] ^= 1
        try siBad.write(to: siFile)
        let fourth = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text, environment: env)
        #expect(fourth.status == 0 && fourth.out == plain.out)
        #expect(try Data(contentsOf: siFile) == siGood, "split index rewritten after the damaged copy was rejected")
        // A valid cache never hides a wrong vocabulary file: its SHA-256 is still checked.
        let dir = try CLI.tempDir()
        try "IQ== 0\n".write(to: dir.appendingPathComponent("o200k_base.tiktoken"), atomically: true, encoding: .utf8)
        let wrong = try CLI.run(["encode", "--encoding", "o200k_base"], stdin: text,
                                environment: ["AIGC_VOCAB_DIR": dir.path, "AIGC_VOCAB_CACHE_DIR": cache.path])
        #expect(wrong.status != 0 && wrong.stderr.contains("SHA-256"))
    }

    @Test func convertTokenizerWritesLoadableFiles() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("t.json")
        let src = Self.golden.appendingPathComponent("hf-bytelevel.json").path
        #expect(try CLI.run(["convert-tokenizer", "--tokenizer", src, "-o", out.path]).status == 0)
        let golden = Self.golden.appendingPathComponent("golden.txt").path
        let a = try CLI.run(["encode", "--tokenizer", src, "--lines", "--allowed-special", "all", golden])
        let b = try CLI.run(["encode", "--tokenizer", out.path, "--lines", "--allowed-special", "all", golden])
        #expect(a.stdout == b.stdout && a.status == 0)
    }
}
