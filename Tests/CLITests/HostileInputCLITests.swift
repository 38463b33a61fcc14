import Foundation
import Testing

/// Issue 20: hostile files, full disks and absurd flags end in a clear error (never a crash, a hang, a silent
/// wrong result or lost data). One test per class of the issue.
@Suite struct HostileInputCLITests {
    let corpus = CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path
    let gan = CLI.repoRoot.appendingPathComponent("Fixtures/gan/blob2d.npy").path

    // MARK: class 1 — every write error is a non-zero exit; special files and symlinks are written through

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full (Linux)"))
    func stdoutOnAFullDiskFailsWithAMessage() throws {
        let dir = try CLI.tempDir("hostile")
        let text = dir.appendingPathComponent("in.txt")
        try Data("hello world\n".utf8).write(to: text)
        let ids = dir.appendingPathComponent("ids.txt")
        try Data("15339 1917\n".utf8).write(to: ids)
        let built = dir.appendingPathComponent("corpus").path
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "256", "--output", built, corpus])
        #expect(b.status == 0, "\(b.stderr)")
        let commands: [[String]] = [
            ["normalize", "--form", "nfc", text.path],
            ["encode", "--encoding", "cl100k_base", text.path],
            ["decode", "--encoding", "cl100k_base", ids.path],
            ["count", "--encoding", "cl100k_base", text.path],
            ["corpus", "inspect", built],
            ["corpus", "inspect", built, "--row", "0"],
        ]
        for args in commands {
            let r = try CLI.run(args, stdoutPath: "/dev/full")
            #expect(r.status != 0, "aigc \(args.joined(separator: " ")) > /dev/full exited 0")
            #expect(r.stderr.contains("stdout: write failed: No space left on device"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(args): \(r.stderr)")
        }
    }

    @Test func outputThroughASymlinkKeepsTheLink() throws {
        let dir = try CLI.tempDir("hostile")
        let text = dir.appendingPathComponent("in.txt")
        try Data("hello\n".utf8).write(to: text)
        let target = dir.appendingPathComponent("target.txt")
        try Data("old\n".utf8).write(to: target)
        let link = dir.appendingPathComponent("link.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let r = try CLI.run(["normalize", "--form", "nfc", text.path, "-o", link.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "hello\n")
    }

    @Test func outputToAFIFOIsWrittenThroughNotReplaced() throws {
        let dir = try CLI.tempDir("hostile")
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = dir.appendingPathComponent("in.txt")
        try Data("through a fifo\n".utf8).write(to: text)
        nonisolated(unsafe) var received = Data()
        let reader = Thread { received = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        reader.start()
        let r = try CLI.run(["normalize", text.path, "-o", fifo])
        while !reader.isFinished { usleep(1000) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(String(decoding: received, as: UTF8.self) == "through a fifo\n")
        var st = stat()
        #expect(lstat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced by a regular file")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func normalizeOnADirectoryIsAnError() throws {
        let dir = try CLI.tempDir("hostile")
        let r = try CLI.run(["normalize", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dir.path): is a directory"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    // MARK: class 2 — sizes and thread counts checked before allocating; non-finite and negative values named

    @Test func hugeSizesAreRefusedBeforeAllocating() throws {
        let dir = try CLI.tempDir("hostile")
        let c = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "99999999999",
                             "--output", dir.appendingPathComponent("c").path, corpus])
        #expect(c.status == 1)
        #expect(c.stderr.contains("--seq-len must be in 8...16777216 (got 99999999999)"), "\(c.stderr)")
        let g = try CLI.run(["gan", "train", "--data", gan, "--out", dir.appendingPathComponent("g").path, "--samples", "999999999999"])
        #expect(g.status != 0)
        #expect(g.stderr.contains("--samples must be in 1..."), "\(g.stderr)")
        // A nanoGPT corpus to train on.
        let nano = dir.appendingPathComponent("nano").path
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--output-format", "nanogpt",
                             "--output", nano, corpus])
        #expect(b.status == 0, "\(b.stderr)")
        let p1 = try CLI.run(["pretrain", "--train", nano + "/train.bin", "--vocab-size", "300", "--out", dir.appendingPathComponent("p").path,
                              "--batch-size", "99999999999"])
        #expect(p1.status == 1)
        #expect(p1.stderr.contains("--batch-size must be in 1...16777216 (got 99999999999)"), "\(p1.stderr)")
        let p2 = try CLI.run(["pretrain", "--train", nano + "/train.bin", "--vocab-size", "300", "--out", dir.appendingPathComponent("p").path,
                              "--batch-size", "9999999", "--max-iters", "1"])
        #expect(p2.status == 1)
        #expect(p2.stderr.contains("more than this machine's memory"), "\(p2.stderr)")
    }

    /// Library errors name the option's property (`CorpusBuildOptions.seqLen`); the CLI shows the flag the user typed,
    /// including flags spelled other than their property's kebab-case.
    @Test func libraryErrorsAreShownWithTheFlag() throws {
        let dir = try CLI.tempDir("hostile")
        let out = dir.appendingPathComponent("c").path
        let cases: [([String], String)] = [
            (["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--val-fraction", "2", "--output", out, corpus],
             "--val-fraction must be in [0, 1]"),
            (["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--num-shards", "2", "--shard-index", "2", "--output", out, corpus],
             "--shard-index must be in 0..<--num-shards"),
            (["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--minhash-bands", "100",
              "--minhash-rows", "100", "--output", out, corpus], "--minhash-bands × --minhash-rows must be in 1...4096 (got 10000)"),
            (["gan", "train", "--data", gan, "--out", dir.path, "--g-ema", "1"], "--g-ema must be in [0, 1)"),
            (["gan", "train", "--data", gan, "--out", dir.path, "--d-steps", "9999999"], "--d-steps must be in 1...1048576 (got 9999999)"),
            (["pretrain", "--train", corpus, "--vocab-size", "300", "--out", dir.path, "--min-lr", "-1"], "--lr must be > 0 and --min-lr ≥ 0"),
            (["pretrain", "--train", corpus, "--vocab-size", "300", "--out", dir.path, "--grad-accum", "0"], "--grad-accum must be ≥ 1"),
            (["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--g-steps", "0"], "(--g-steps ≥ 1)"),
            (["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--d-pretrain-until", "1.5"],
             "--d-pretrain-until must be in (0, 1]"),
            (["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--d-eval-interval", "0"],
             "--d-eval-interval must be in 1..."),
            (["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--d-loss", "hinge"],
             "--d-loss must be one of two-way, vocabulary (got 'hinge')"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Options."), "no property names in CLI errors: \(r.stderr)")
        }
    }

    @Test func threadCountsAreClampedWithANote() throws {
        let dir = try CLI.tempDir("hostile")
        let r = try CLI.run(["audit", "--threads", "10000", "--input-format", "openai", corpus, "--json", dir.appendingPathComponent("a.json").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("note: --threads 10000 is more than can help"), "\(r.stderr)")
        let zero = try CLI.run(["audit", "--threads", "0", "--input-format", "openai", corpus, "--json", dir.appendingPathComponent("b.json").path])
        #expect(zero.status == 1)
        #expect(zero.stderr.contains("--threads must be ≥ 1 (got 0)"), "\(zero.stderr)")
    }

    @Test func nonFiniteFlagsAreRefusedNamingTheFlag() throws {
        let dir = try CLI.tempDir("hostile")
        let cases: [([String], String)] = [
            (["gan", "train", "--data", gan, "--out", dir.path, "--g-lr", "1e999"], "--g-lr must be a finite number (got inf)"),
            (["gan", "train", "--data", gan, "--out", dir.path, "--d-lr", "nan"], "--d-lr must be a finite number (got nan)"),
            (["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--temperature", "nan"], "--temperature must be a finite number (got nan)"),
            (["generate", "--model", dir.path, "--prompt-ids", "1", "--top-p", "-inf"], "--top-p must be a finite number (got -inf)"),
            (["pretrain", "--train", corpus, "--vocab-size", "300", "--out", dir.path, "--lr", "inf"], "--lr must be a finite number (got inf)"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }

    @Test func negativeNumbersAreReadAsValuesAndRefusedClearly() throws {
        let dir = try CLI.tempDir("hostile")
        let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "-5",
                             "--output", dir.path, corpus])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--seq-len must be in 8...16777216 (got -5)"), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
        let g = try CLI.run(["gan", "train", "--data", gan, "--out", dir.path, "--steps", "-3"])
        #expect(g.status != 0)
        #expect(g.stderr.contains("--steps must be ≥ 1"), "\(g.stderr)")
    }

    @Test func unboundedWorkFlagsHaveLimits() throws {
        let dir = try CLI.tempDir("hostile")
        let r = try CLI.run(["adversarial", "--generator", dir.path, "--train", dir.path, "--out", dir.path, "--rollouts", "99999"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--rollouts must be in 0...64 (got 99999)"), "\(r.stderr)")
        let help = try CLI.run(["adversarial", "--help"])
        #expect(help.out.contains("sampled completions"), "the cost of --rollouts is stated in --help")
    }

    @Test func minhashZeroIsRefused() throws {
        let dir = try CLI.tempDir("hostile")
        for flag in ["--minhash-ngram", "--minhash-rows", "--minhash-bands"] {
            let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", flag, "0",
                                 "--output", dir.path, corpus])
            #expect(r.status == 1)
            #expect(r.stderr.contains("\(flag) must be in 1..."), "\(flag): \(r.stderr)")
        }
    }
}
