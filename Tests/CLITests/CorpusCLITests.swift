import AIGCFormats
import Foundation
import Testing

@Suite struct CorpusCLITests {
    let fixture = CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path

    @Test func buildInspectAndManifest() throws {
        let dir = try CLI.tempDir("corpus-cli")
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "256",
                             "--keep-rejects", "--output", out, fixture])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("records_in=20 records_kept=12"))
        let m = try DatasetManifest.read(from: URL(fileURLWithPath: out + "/manifest.json"))
        #expect(m.recordsIn == m.recordsKept + m.dropped.values.reduce(0, +))
        #expect(m.specialTokens["<|im_end|>"] == 258)
        let row = try CLI.run(["corpus", "inspect", out, "--row", "0"])
        #expect(row.status == 0, "\(row.stderr)")
        #expect(row.out.contains("⟦Lisbon is the capital of Portugal.<|im_end|>⟧"))
        #expect(row.out.contains("<|im_start|>user\nWhat is the capital of Portugal?<|im_end|>"))
        let summary = try CLI.run(["corpus", "inspect", out])
        #expect(summary.out.contains("dropped.malformed_json=1"))
        #expect(summary.out.contains("files_verified="), "\(summary.out)")
        let missing = try CLI.run(["corpus", "inspect", out, "--row", "999"])
        #expect(missing.status != 0)
    }

    @Test func strictFailsWithLocation() throws {
        let dir = try CLI.tempDir("corpus-cli")
        let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--strict",
                             "--output", dir.path, fixture])
        #expect(r.status != 0)
        #expect(r.stderr.contains("dialogues.jsonl:16: malformed_json"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func badOptionsAndMissingInputsAreOneLineErrors() throws {
        let dir = try CLI.tempDir("corpus-cli")
        let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--output", dir.path, "/nonexistent.jsonl"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent.jsonl"))
        let t = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "nope", "--output", dir.path, fixture])
        #expect(t.status != 0)
        let f = try CLI.run(["corpus", "build", "--input-format", "xml", "--output", dir.path, fixture])
        #expect(f.status != 0)
    }

    @Test func shardedBuildAndMerge() throws {
        let dir = try CLI.tempDir("corpus-cli")
        var shardDirs: [String] = []
        for i in 0..<2 {
            let d = dir.appendingPathComponent("s\(i)").path
            shardDirs.append(d)
            let r = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "128",
                                 "--num-shards", "2", "--shard-index", "\(i)", "--output", d, fixture])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let single = dir.appendingPathComponent("single").path
        #expect(try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "128", "--output", single, fixture]).status == 0)
        let merged = dir.appendingPathComponent("merged").path
        let m = try CLI.run(["corpus", "merge", "--output", merged] + shardDirs)
        #expect(m.status == 0, "\(m.stderr)")
        let a = try DatasetManifest.read(from: URL(fileURLWithPath: single + "/manifest.json"))
        let b = try DatasetManifest.read(from: URL(fileURLWithPath: merged + "/manifest.json"))
        #expect(a.files == b.files && a.dropped == b.dropped && a.recordsKept == b.recordsKept)
        let incomplete = try CLI.run(["corpus", "merge", "--output", dir.appendingPathComponent("x").path, shardDirs[0]])
        #expect(incomplete.status != 0)
    }
}

@Suite struct CorpusPlanCLITests {
    let fixture = CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path

    @Test func planTasksAndMerge() throws {
        let dir = try CLI.tempDir("corpus-plan")
        let opts = ["--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "128", "--keep-rejects"]
        let plan = try CLI.run(["corpus", "plan"] + opts + ["--num-shards", "3", "--output", dir.appendingPathComponent("tasks").path, fixture])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("3 tasks over 3195 bytes"))
        let planFile = dir.appendingPathComponent("plan.json")
        try Data(plan.out.utf8).write(to: planFile)
        var taskDirs: [String] = []
        for i in 0..<3 {
            let r = try CLI.run(["corpus", "build", "--plan", planFile.path, "--task", "\(i)", "--threads", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            taskDirs.append(dir.appendingPathComponent(String(format: "tasks/task-%05d", i)).path)
        }
        let merged = dir.appendingPathComponent("merged").path
        let m = try CLI.run(["corpus", "merge", "--output", merged] + taskDirs)
        #expect(m.status == 0, "\(m.stderr)")
        let single = dir.appendingPathComponent("single").path
        #expect(try CLI.run(["corpus", "build"] + opts + ["--output", single, fixture]).status == 0)
        let a = try DatasetManifest.read(from: URL(fileURLWithPath: single + "/manifest.json"))
        let b = try DatasetManifest.read(from: URL(fileURLWithPath: merged + "/manifest.json"))
        #expect(a.files.filter { $0.path != "rejects.jsonl" } == b.files.filter { $0.path != "rejects.jsonl" })
        #expect(a.dropped == b.dropped && a.recordsKept == b.recordsKept && a.blankLines == b.blankLines)
        #expect(m.stderr.contains("dedup state"), "\(m.stderr)")

        // Partitioned deduplication: two partitions, then the re-pack: the same files. Each partition reads only
        // its key files (the plan's default fan-out of 64: part ≡ I mod 2).
        let dedup = dir.appendingPathComponent("dedup").path
        for i in 0..<2 {
            let r = try CLI.run(["corpus", "merge", "--partitions", "2", "--partition", "\(i)", "--output", dedup] + taskDirs)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("partition \(i) of 2: read ") && r.stderr.contains("key files \(i), \(i + 2), … of 3 tasks"), "\(r.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: taskDirs[0] + "/keys/part-00063"))
        let tooMany = try CLI.run(["corpus", "merge", "--partitions", "65", "--partition", "0", "--output", dedup] + taskDirs)
        #expect(tooMany.status != 0 && tooMany.stderr.contains("exceeds the 64 key files"), "\(tooMany.stderr)")
        let repacked = dir.appendingPathComponent("repacked").path
        let rp = try CLI.run(["corpus", "merge", "--dedup-from", dedup, "--output", repacked] + taskDirs)
        #expect(rp.status == 0 && rp.stderr.contains("duplicate decisions from 2 partition files"), "\(rp.stderr)")
        #expect(try DatasetManifest.read(from: URL(fileURLWithPath: repacked + "/manifest.json")).files == b.files)
        let half = try CLI.run(["corpus", "merge", "--partitions", "2", "--output", dedup] + taskDirs)
        #expect(half.status != 0 && half.stderr.contains("--partition"), "\(half.stderr)")

        // Misuse: build options next to --plan, a task out of range, a plan that is not one.
        let extra = try CLI.run(["corpus", "build", "--plan", planFile.path, "--task", "0", "--seq-len", "64"])
        #expect(extra.status != 0 && extra.stderr.contains("--seq-len"), "\(extra.stderr)")
        let range = try CLI.run(["corpus", "build", "--plan", planFile.path, "--task", "3"])
        #expect(range.status != 0 && range.stderr.contains("0..<3"), "\(range.stderr)")
        let bad = dir.appendingPathComponent("bad.json")
        try Data(plan.out.replacingOccurrences(of: "\"seq_len\": 128", with: "\"seq_len\": -1").utf8).write(to: bad)
        let badRun = try CLI.run(["corpus", "build", "--plan", bad.path, "--task", "0"])
        #expect(badRun.status != 0 && badRun.stderr.contains("bad.json: options.seq_len: must be in 8..."), "\(badRun.stderr)")
        #expect(badRun.stderr.split(separator: "\n").count == 1)
    }
}

@Suite struct CorpusResumeCLITests {
    /// Kills a real build with SIGKILL once it has checkpointed, re-runs the same command, and compares every
    /// output byte with an uninterrupted run.
    @Test func resumeAfterSIGKILL() throws {
        let dir = try CLI.tempDir("corpus-kill")
        var lines: [String] = []
        for i in 0..<1500 {
            lines.append(#"{"messages":[{"role":"user","content":"question \#(i) about topic \#(i % 97) and detail \#(i * 7919 % 10007)"},{"role":"assistant","content":"answer \#(i): \#(String(repeating: "word\(i % 13) ", count: 20))"}]}"#)
        }
        let input = dir.appendingPathComponent("in.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: input)
        let args = ["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "512",
                    "--rows-per-shard", "4", "--no-near-dedup", "--threads", "2"]
        let full = dir.appendingPathComponent("full").path
        #expect(try CLI.run(args + ["--output", full, input.path]).status == 0)

        let cut = dir.appendingPathComponent("cut")
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args + ["--output", cut.path, input.path]
        p.standardError = FileHandle.nullDevice
        try p.run()
        let checkpoint = cut.appendingPathComponent(".checkpoint.json")
        while p.isRunning && !FileManager.default.fileExists(atPath: checkpoint.path) { usleep(2000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let r = try CLI.run(args + ["--output", cut.path, input.path])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try FileManager.default.contentsOfDirectory(atPath: full).sorted()
        let b = try FileManager.default.contentsOfDirectory(atPath: cut.path).sorted()
        #expect(a == b)
        for n in a {
            #expect(try Data(contentsOf: URL(fileURLWithPath: full + "/" + n)) == Data(contentsOf: cut.appendingPathComponent(n)), "\(n)")
        }
    }
}
