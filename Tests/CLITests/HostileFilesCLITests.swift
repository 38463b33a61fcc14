import AIGCFormats
import Foundation
import Testing

/// Issue 20, classes 3–5: catastrophic regexes, loaders that trusted their files, lost data and internal errors.
@Suite struct HostileFilesCLITests {
    let corpus = CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path

    // MARK: class 3 — regexes run under ICU's time and stack limits

    @Test func catastrophicRegexesFailNamingThePattern() throws {
        let dir = try CLI.tempDir("hostile-files")
        let text = dir.appendingPathComponent("a.txt")
        try Data((String(repeating: "a", count: 40) + "c\n").utf8).write(to: text)
        // A tokenizer.json whose Split pre-tokenizer is (a*)*b.
        let hf = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.repoRoot.appendingPathComponent("Fixtures/tokenizer/hf-split.json"))) as! [String: Any]
        var pre = hf["pre_tokenizer"] as! [String: Any]
        var stages = pre["pretokenizers"] as! [[String: Any]]
        stages[0]["pattern"] = ["Regex": "(a*)*b"]
        pre["pretokenizers"] = stages
        var evil = hf
        evil["pre_tokenizer"] = pre
        let tok = dir.appendingPathComponent("evil.json")
        try JSONSerialization.data(withJSONObject: evil).write(to: tok)
        let config = dir.appendingPathComponent("norm.json")
        try Data(#"{"steps": [{"type": "replace", "pattern": "(a*)*b", "regex": true, "content": "x"}]}"#.utf8).write(to: config)
        let start = Date()
        for args in [["encode", "--tokenizer", tok.path, text.path], ["count", "--tokenizer", tok.path, text.path],
                     ["normalize", "--config", config.path, text.path]] {
            let r = try CLI.run(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("(a*)*b") && r.stderr.contains("time/stack limit"), "\(args): \(r.stderr)")
            #expect(r.out.isEmpty)
        }
        #expect(Date().timeIntervalSince(start) < 60, "the limits should stop each run within seconds")
    }

    // MARK: class 4 — loaders check what they read

    /// A Megatron corpus built by `corpus build`, and copies of it with one corrupted index field each.
    func corruptMegatron(_ dir: URL) throws -> [(String, String)] {
        let good = dir.appendingPathComponent("meg")
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--output-format", "megatron",
                             "--output", good.path, corpus])
        #expect(b.status == 0, "\(b.stderr)")
        let idx = try Data(contentsOf: good.appendingPathComponent("train.idx"))
        let n = Int(idx.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 18, as: UInt64.self) })
        func variant(_ name: String, _ edit: (inout Data) -> Void) throws -> String {
            let d = dir.appendingPathComponent(name)
            try FileManager.default.copyItem(at: good, to: d)
            var bytes = idx
            edit(&bytes)
            try bytes.write(to: d.appendingPathComponent("train.idx"))
            return d.path
        }
        func put<T>(_ v: T, at off: Int, in data: inout Data) { withUnsafeBytes(of: v) { data.replaceSubrange(off..<(off + $0.count), with: $0) } }
        return [
            (try variant("size-huge") { put(Int32(100_000_000).littleEndian, at: 34, in: &$0) }, "describes"),
            (try variant("size-negative") { put(Int32(-5).littleEndian, at: 34, in: &$0) }, "sequence 0 has size -5"),
            (try variant("pointer-huge") { put(Int64(1_000_000_000_000).littleEndian, at: 34 + 4 * n, in: &$0) }, "starts at byte 1000000000000"),
            (try variant("dtype-int32") { $0[17] = 4 }, "tokens of 4 bytes (dtype int32)"),
        ]
    }

    @Test func corruptMegatronIndexesAreRefusedByEveryReader() throws {
        let dir = try CLI.tempDir("hostile-files")
        for (path, message) in try corruptMegatron(dir) {
            for args in [["corpus", "inspect", path, "--row", "0"], ["audit", path, "--json", dir.appendingPathComponent("a.json").path],
                         ["pretrain", "--train", path + "/train", "--data-format", "megatron", "--vocab-size", "300",
                          "--out", dir.appendingPathComponent("p").path, "--max-iters", "1"]] {
                let r = try CLI.run(args)
                #expect(r.status == 1, "\(args): \(r.stderr)")
                #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
                #expect(!r.stderr.contains("Fatal error"), "\(args)")
            }
            // The summary reads no rows, but checks every file against the manifest's sizes and SHA-256.
            let summary = try CLI.run(["corpus", "inspect", path])
            #expect(summary.status == 1, "summary of \(path) exited \(summary.status)")
            #expect(summary.stderr.contains("the file changed after the build"), "\(summary.stderr)")
        }
    }

    @Test func nanoGPTTokenWidthTravelsInTheManifest() throws {
        let dir = try CLI.tempDir("hostile-files")
        let out = dir.appendingPathComponent("nano")
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "cl100k_base", "--output-format", "nanogpt",
                             "--output", out.path, corpus])
        #expect(b.status == 0, "\(b.stderr)")
        let m = try DatasetManifest.read(from: out.appendingPathComponent("manifest.json"))
        #expect(m.tokenDType == "uint32")
        // Read as uint16 (the old rule), the first ids would be the low halves; the model must see the real ones.
        let bin = try Data(contentsOf: out.appendingPathComponent("train.bin"))
        let ids = bin.withUnsafeBytes { r in (0..<(bin.count / 4)).map { r.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self) } }
        let maxID = Int(ids.max() ?? 0)
        let small = try CLI.run(["pretrain", "--train", out.appendingPathComponent("train.bin").path, "--vocab-size", String(maxID),
                                 "--out", dir.appendingPathComponent("p").path, "--max-iters", "1"])
        #expect(small.status == 1)
        #expect(small.stderr.contains("id \(maxID) is outside the vocabulary of \(maxID)"), "\(small.stderr)")
    }

    @Test func aByteLevelVocabularyMissingAByteIsRefused() throws {
        let dir = try CLI.tempDir("hostile-files")
        let vocab = dir.appendingPathComponent("nobang.tiktoken")
        let lines = (0..<256).filter { $0 != 0x21 }.map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: vocab)
        let r = try CLI.run(["encode", "--tokenizer", vocab.path], stdin: Data("hi!".utf8))
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(vocab.path): byte-level vocabulary has no token for the single byte 0x21"), "\(r.stderr)")
        #expect(r.out.isEmpty)
    }

    /// A tiny model trained on a byte-level corpus (vocabulary 300), and a copy with one NaN weight.
    func tinyModels(_ dir: URL) throws -> (corpus: String, model: URL, nan: URL) {
        let built = dir.appendingPathComponent("corpus")
        let b = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "64", "--output", built.path, corpus])
        #expect(b.status == 0, "\(b.stderr)")
        let nano = dir.appendingPathComponent("nano")
        _ = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--output-format", "nanogpt", "--output", nano.path, corpus])
        let model = dir.appendingPathComponent("model")
        let p = try CLI.run(["pretrain", "--train", nano.appendingPathComponent("train.bin").path, "--vocab-size", "300", "--out", model.path,
                             "--max-iters", "2", "--eval-interval", "1", "--eval-iters", "1", "--n-layer", "1", "--n-head", "1",
                             "--n-embd", "8", "--block-size", "64", "--batch-size", "2"])
        #expect(p.status == 0, "\(p.stderr)")
        let nan = dir.appendingPathComponent("nan-model")
        try FileManager.default.copyItem(at: model, to: nan)
        let f = nan.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: f)
        let headerLen = Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: bytes[8..<(8 + headerLen)]) as! [String: Any]
        let entry = header["wte.weight"] as! [String: Any]
        let start = 8 + headerLen + ((entry["data_offsets"] as! [Int])[0])
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange((start + 4)..<(start + 8), with: $0) }
        try bytes.write(to: f)
        return (built.path, model, nan)
    }

    @Test func nonFiniteWeightsAndLossesAreErrors() throws {
        let dir = try CLI.tempDir("hostile-files")
        let (built, model, nan) = try tinyModels(dir)
        let g = try CLI.run(["generate", "--model", nan.path, "--prompt-ids", "1,2", "--max-tokens", "4"])
        #expect(g.status == 1)
        #expect(g.stderr.contains("model.safetensors: tensor 'wte.weight' has a non-finite value (nan) at element 1"), "\(g.stderr)")
        let ftOut = dir.appendingPathComponent("ft")
        let f = try CLI.run(["finetune", "--base", nan.path, "--train", built, "--out", ftOut.path, "--max-iters", "1"])
        #expect(f.status == 1)
        #expect(f.stderr.contains("tensor 'wte.weight' has a non-finite value"), "\(f.stderr)")
        #expect(!f.stderr.contains("EncodingError"))
        #expect(!FileManager.default.fileExists(atPath: ftOut.path), "finetune left files behind")
        // A learning rate that makes the loss NaN stops training with an error naming the iteration.
        let nano = dir.appendingPathComponent("nano/train.bin").path
        let d = try CLI.run(["pretrain", "--train", nano, "--vocab-size", "300", "--out", dir.appendingPathComponent("div").path,
                             "--max-iters", "20", "--eval-interval", "10", "--eval-iters", "1", "--n-layer", "1", "--n-head", "1",
                             "--n-embd", "8", "--block-size", "16", "--batch-size", "2", "--lr", "1e30", "--grad-clip", "0"])
        #expect(d.status == 1)
        #expect(d.stderr.contains("iteration") && d.stderr.contains("diverged"), "\(d.stderr)")
        // Model commands on a full disk: an error, not a trap in FileHandle.
        if FileManager.default.fileExists(atPath: "/dev/full") {
            let full = try CLI.run(["generate", "--model", model.path, "--prompt-ids", "1,2", "--max-tokens", "3"], stdoutPath: "/dev/full")
            #expect(full.status == 1 && full.stderr.contains("stdout: write failed: No space left on device"), "\(full.stderr)")
            let p = try CLI.run(["pretrain", "--train", nano, "--vocab-size", "300", "--out", dir.appendingPathComponent("full").path,
                                 "--max-iters", "1", "--eval-interval", "1", "--eval-iters", "1", "--n-layer", "1", "--n-head", "1",
                                 "--n-embd", "8", "--block-size", "16", "--batch-size", "2"], stdoutPath: "/dev/full")
            #expect(p.status == 1 && p.stderr.contains("stdout: write failed: No space left on device"), "\(p.stderr)")
        }
        // --resume with another architecture is refused naming the option.
        let r = try CLI.run(["pretrain", "--train", nano, "--out", model.path, "--resume", "--n-layer", "3", "--max-iters", "3"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--resume: --n-layer 3 differs from the checkpoint's 1"), "\(r.stderr)")
    }

    // MARK: class 5 — no lost data, no internal errors

    @Test func aLockedOutputDirectoryIsRefused() throws {
        let dir = try CLI.tempDir("hostile-files")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let fd = open(out.appendingPathComponent(".aigc.lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--output", out.path, corpus])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is being written by another aigc corpus build"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
    }

    @Test func noDedupKeepsRepeatedLines() throws {
        let dir = try CLI.tempDir("hostile-files")
        let input = dir.appendingPathComponent("dup.jsonl")
        try Data("{\"text\":\"hello there friend\"}\n{\"text\":\"hello there friend\"}\n{\"text\":\"hello there friend\"}\n".utf8).write(to: input)
        let r = try CLI.run(["corpus", "build", "--no-dedup", "--no-near-dedup", "--input-format", "jsonl", "--tokenizer", "bytes",
                             "--output", dir.appendingPathComponent("out").path, input.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("records_in=3 records_kept=3"), "\(r.stderr)")
        let on = try CLI.run(["corpus", "build", "--input-format", "jsonl", "--tokenizer", "bytes",
                              "--output", dir.appendingPathComponent("out2").path, input.path])
        #expect(on.stderr.contains("records_in=3 records_kept=1"), "\(on.stderr)")
    }

    // MARK: memory on one giant line

    /// Peak RSS (KiB) of `aigc args…`, measured by /usr/bin/time.
    static func peakRSS(_ args: [String]) throws -> (kib: Int, result: CLI.Result) {
        let dir = try CLI.tempDir("rss")
        let t = dir.appendingPathComponent("time")
        let r = try CLI.run(["-f", "%M", "-o", t.path, CLI.binary.path] + args, executable: URL(fileURLWithPath: "/usr/bin/time"))
        let text = try String(contentsOf: t, encoding: .utf8)
        let kib = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? Int.max
        return (kib, r)
    }

    /// A newline-free line of letters (one pre-token): `count` and `encode` hold the input and its ids, not ~56
    /// bytes of merge scratch per input byte (4 MB of letters used to cost ~56 MB more than a tiny input).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs /usr/bin/time to measure peak memory"))
    func aGiantPreTokenIsEncodedInBoundedMemory() throws {
        let dir = try CLI.tempDir("giant-line")
        var rng = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let big = dir.appendingPathComponent("big.txt"), tiny = dir.appendingPathComponent("tiny.txt")
        try Data((0..<(4 << 20)).map { _ in letters[Int(rng.next() % 26)] }).write(to: big)
        try Data("hello".utf8).write(to: tiny)
        let base = try HostileFilesCLITests.peakRSS(["count", "--encoding", "cl100k_base", tiny.path])
        let c = try HostileFilesCLITests.peakRSS(["count", "--encoding", "cl100k_base", big.path])
        #expect(c.result.status == 0, "\(c.result.stderr)")
        #expect(c.kib - base.kib < 12 << 10, "count: \(c.kib - base.kib) KiB over a tiny input's \(base.kib) KiB for a 4 MiB line")
        let e = try HostileFilesCLITests.peakRSS(["encode", "--encoding", "cl100k_base", "--format", "u32", "-o", dir.appendingPathComponent("ids").path, big.path])
        #expect(e.result.status == 0, "\(e.result.stderr)")
        #expect(e.kib - base.kib < 24 << 10, "encode: \(e.kib - base.kib) KiB over a tiny input's \(base.kib) KiB for a 4 MiB line")
        let ids = try Data(contentsOf: dir.appendingPathComponent("ids"))
        #expect(c.result.out.hasPrefix("\(ids.count / 4) "), "count and encode disagree: \(c.result.out) vs \(ids.count / 4) ids")
        // npy needs the count before the ids: they wait in a temporary file, not in memory.
        let n = try HostileFilesCLITests.peakRSS(["encode", "--encoding", "cl100k_base", "--format", "npy", "-o", dir.appendingPathComponent("ids.npy").path, big.path])
        #expect(n.result.status == 0, "\(n.result.stderr)")
        #expect(n.kib - base.kib < 24 << 10, "encode npy: \(n.kib - base.kib) KiB over a tiny input's \(base.kib) KiB for a 4 MiB line")
        let npy = try Data(contentsOf: dir.appendingPathComponent("ids.npy"))
        #expect(npy.count > ids.count && npy.suffix(ids.count) == ids, "the .npy array is not the u32 ids")
    }

    /// Every format of `encode` streams a long line (whole text, and a line over 1 MiB among short ones with
    /// --lines) and gives the same ids: text, u16, u32 and npy agree, --lines equals encoding each line alone.
    @Test func encodeFormatsAgreeOnALongLine() throws {
        let dir = try CLI.tempDir("long-line-formats")
        var rng = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        var long = Array("Mixed text first, «naïve» 日本語 and more. ".utf8)
        long += (0..<(1_300_000)).map { _ in letters[Int(rng.next() % 26)] }
        long += Array(" then words again <|endoftext|> at the end".utf8)
        let lines: [[UInt8]] = [Array("a short line".utf8), long, [], Array("another one".utf8)]
        var parts: [URL] = []
        for (k, l) in lines.enumerated() {
            let u = dir.appendingPathComponent("line\(k).txt")
            try Data(l).write(to: u)
            parts.append(u)
        }
        let all = dir.appendingPathComponent("all.txt")
        try Data(lines.map { Data($0) }.joined(separator: Data([0x0A]))).write(to: all)
        func encode(_ args: [String], tokenizer: [String] = ["--encoding", "cl100k_base"]) throws -> Data {
            let out = dir.appendingPathComponent("out-\(UUID().uuidString)")
            let r = try CLI.run(["encode", "-o", out.path] + tokenizer + args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return (try? Data(contentsOf: out)) ?? Data()
        }
        let u32 = try encode(["--format", "u32", parts[1].path])
        let ids = u32.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        #expect(ids.count > 400_000)
        let text = try encode(["--format", "text", parts[1].path])
        #expect(text == Data((ids.map(String.init).joined(separator: " ") + "\n").utf8))
        // u16 (a vocabulary under 65,535 ids: the HF byte-level fixture) is its u32 ids narrowed.
        let hf = ["--tokenizer", CLI.repoRoot.appendingPathComponent("Fixtures/tokenizer/hf-bytelevel.json").path]
        let hf32 = try encode(hf + ["--format", "u32", parts[1].path], tokenizer: [])
        #expect(hf32.count > 400_000 * 4)
        #expect(try encode(hf + ["--format", "u16", parts[1].path], tokenizer: [])
                == Data(hf32.withUnsafeBytes { $0.bindMemory(to: UInt32.self).map { UInt16($0) } }.withUnsafeBytes { Array($0) }))
        let npy = try encode(["--format", "npy", parts[1].path])
        #expect(npy == Data(try Npy.header(dtype: .u32, shape: [ids.count])) + u32)
        #expect(try encode(["--format", "u32", "--threads", "1", parts[1].path]) == u32)
        let u16 = try CLI.run(["encode", "--encoding", "cl100k_base", "--format", "u16", parts[0].path])
        #expect(u16.status == 1 && u16.out.isEmpty)
        #expect(u16.stderr.contains("--format u16 needs a vocabulary below 65535 ids (this one has 100277); use --format u32"), "\(u16.stderr)")
        // --lines: each line's ids, then the terminator; the long line among short ones is encoded alone.
        var want = Data()
        for p in parts { want += try encode(["--format", "u32", p.path]) + Data([0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(try encode(["--format", "u32", "--lines", all.path]) == want)
        // With special tokens allowed, the long line streams through the special-token path.
        let special = try encode(["--format", "u32", "--allowed-special", "all", parts[1].path])
        let sids = special.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        #expect(sids.contains(100257) && sids.count < ids.count)
        var wantLines = Data()
        for p in parts { wantLines += try encode(["--format", "u32", "--allowed-special", "all", p.path]) + Data([0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(try encode(["--format", "u32", "--lines", "--allowed-special", "all", all.path]) == wantLines)
    }

    /// corpus build and audit skip a record over --max-record-bytes while reading it (never held whole): dropped
    /// as record_too_large naming size and byte offset; --strict stops on it naming file:line.
    @Test func recordsOverMaxRecordBytesAreDroppedWhileReading() throws {
        let dir = try CLI.tempDir("giant-record")
        let input = dir.appendingPathComponent("in.jsonl")
        let first = "{\"text\":\"a first small document\"}\n"
        let giant = "{\"text\":\"" + String(repeating: "x", count: 3 << 20) + "\"}\r\n"
        try Data((first + giant + "{\"text\":\"a last small document\"}\n").utf8).write(to: input)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["corpus", "build", "--input-format", "jsonl", "--tokenizer", "bytes", "--max-record-bytes", "1048576",
                             "--keep-rejects", "--output", out.path, input.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("records_in=3 records_kept=2 dropped: record_too_large=1"), "\(r.stderr)")
        let rejects = try String(contentsOf: out.appendingPathComponent("rejects.jsonl"), encoding: .utf8)
        #expect(rejects.contains("in.jsonl:2") && rejects.contains("record of \((3 << 20) + 11) bytes starting at byte \(first.utf8.count) is over the record size limit of 1048576 bytes"), "\(rejects)")
        let strict = try CLI.run(["corpus", "build", "--input-format", "jsonl", "--tokenizer", "bytes", "--max-record-bytes", "1048576",
                                  "--strict", "--output", dir.appendingPathComponent("strict").path, input.path])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("in.jsonl:2: record_too_large: record of"), "\(strict.stderr)")
        let tooSmall = try CLI.run(["corpus", "build", "--input-format", "jsonl", "--tokenizer", "bytes", "--max-record-bytes", "10",
                                    "--output", dir.appendingPathComponent("x").path, input.path])
        #expect(tooSmall.status != 0 && tooSmall.stderr.contains("--max-record-bytes"), "\(tooSmall.stderr)")
        let report = dir.appendingPathComponent("audit.json")
        let a = try CLI.run(["audit", "--max-record-bytes", "1048576", "--json", report.path, input.path])
        #expect(a.status == 0, "\(a.stderr)")
        let json = try String(contentsOf: report, encoding: .utf8)
        #expect(json.contains("record_too_large: record of") && json.contains("in.jsonl:2"), "\(a.stderr)")
    }

    /// Issue 17: when OpenBLAS falls back to kernels below what the CPU runs, aigc re-executes itself once with
    /// OPENBLAS_CORETYPE set (the test hook makes start-up believe OpenBLAS picked Prescott); a user's setting is
    /// never overridden; `--version` says which kernels run and who chose them.
    @Test func openBLASFallbackIsReplacedByReexecution() throws {
        // The machine's own OPENBLAS_CORETYPE (some set one) would be the user's choice, which aigc never overrides.
        let plain = try CLI.run(["--version"], unsetting: ["OPENBLAS_CORETYPE"])
        #expect(plain.status == 0 && plain.out.contains("CPU: ") && plain.out.contains("OpenBLAS: ") && plain.out.contains("kernels "), "\(plain.out)")
        let forced = try CLI.run(["--version"], environment: ["AIGC_OPENBLAS_TEST_CORENAME": "Prescott"], unsetting: ["OPENBLAS_CORETYPE"])
        #expect(forced.status == 0)
        if plain.out.contains("AVX-512") || plain.out.contains("AVX2") {
            #expect(forced.out.contains("OPENBLAS_CORETYPE set by aigc: OpenBLAS picked Prescott on this CPU"), "\(forced.out)")
            #expect(!forced.out.contains("kernels Prescott"), "\(forced.out)")
        }
        let user = try CLI.run(["--version"], environment: ["AIGC_OPENBLAS_TEST_CORENAME": "Prescott", "OPENBLAS_CORETYPE": "Prescott"])
        #expect(user.out.contains("kernels Prescott (OPENBLAS_CORETYPE=Prescott set by the user)"), "\(user.out)")
    }

    /// OpenBLAS is loaded at run time by the commands that multiply matrices: a data command never maps it (the
    /// dynamic loader's own log says which libraries it opens; `--version` loading it shows the log would tell).
    @Test func dataCommandsDoNotLoadOpenBLAS() throws {
        let data = try CLI.run(["normalize", "--form", "nfkc", "-"], stdin: Data("Ｈello\n".utf8), environment: ["LD_DEBUG": "files"])
        #expect(data.status == 0 && data.out == "Hello\n", "\(data.stderr)")
        #expect(data.stderr.contains("libicuuc") && !data.stderr.contains("libopenblas"), "\(data.stderr)")
        let version = try CLI.run(["--version"], environment: ["LD_DEBUG": "files"])
        #expect(version.status == 0 && version.stderr.contains("libopenblas"), "\(version.stderr)")
    }

    /// A model command whose OpenBLAS cannot be loaded stops before any work with an error naming the library and
    /// what to install (never the slow portable loops without a word).
    @Test func missingOpenBLASIsAClearError() throws {
        let r = try CLI.run(["generate", "--model", "/nonexistent-model", "--prompt", "x"],
                            environment: ["AIGC_OPENBLAS": "/nonexistent/libopenblas.so.0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("OpenBLAS could not be loaded") && r.stderr.contains("/nonexistent/libopenblas.so.0")
                && r.stderr.contains("libopenblas0"), "\(r.stderr)")
        #expect(!r.stderr.contains("nonexistent-model"), "stopped before the command ran: \(r.stderr)")
    }

    /// Help never needs OpenBLAS, not even a model command's: a machine without it can still learn what to install.
    @Test func helpWorksWithoutOpenBLAS() throws {
        let missing = ["AIGC_OPENBLAS": "/nonexistent/libopenblas.so.0"]
        for args in [["--help"], ["corpus", "build", "--help"], ["pretrain", "--help"], ["help", "serve"], ["serve", "--help"], ["gan"]] {
            let r = try CLI.run(args, environment: missing)
            #expect(r.status == 0 && r.out.contains("USAGE"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("OpenBLAS could not be loaded"), "\(args): \(r.stderr)")
        }
    }

    @Test func decodeHelpListsOnlyWhatItReads() throws {
        let r = try CLI.run(["decode", "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("values: text, u16,"), "\(r.out)")
        #expect(!r.out.contains("npy"), "\(r.out)")
    }
}
