import AIGCCorpus
import AIGCFormats
import Foundation
import Testing

/// Plans end to end: tasks built from their byte ranges and merged equal the single run byte for byte.
@Suite struct CorpusPlanTests {
    /// Builds every task of a plan (through its JSON, as an engine would) and merges them.
    func runPlan(_ options: CorpusBuildOptions, tasks n: Int, in dir: URL, interruptTask: Int? = nil) throws -> (DatasetManifest, URL) {
        let out = dir.appendingPathComponent("plan-\(n)")
        let (made, _) = try CorpusPlan.make(options: options, tokenizer: "bytes", output: out.path, tasks: n)
        let plan = try CorpusPlan.parse(made.encoded(), source: "plan.json")
        #expect(plan.tasks == made.tasks)
        var dirs: [URL] = []
        for i in 0..<n {
            var o = try plan.taskOptions(i, threads: 1 + i % 2)
            o.progress = false
            o.batchRecords = 40
            o.checkpointBytes = 1500
            if i == interruptTask {
                let first = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
                first.stopAfterCheckpoints = 1
                #expect(throws: (any Error).self) { try first.run() }
            }
            let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
            #expect(m.inputRanges?.map { InputRange(input: $0.input, start: $0.start, end: $0.end) } == plan.tasks[i])
            dirs.append(URL(fileURLWithPath: plan.taskDirectory(i)))
        }
        let merged = dir.appendingPathComponent("merged-\(n)")
        return (try CorpusMerger(inputs: dirs.reversed(), output: merged).run(), merged)
    }

    /// rejects.jsonl lines as (ordinal, reason, source, message, record); a record re-classified at merge time
    /// has an empty `record` in the merged file (documented), so records are compared only where present.
    func rejects(_ dir: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: dir.appendingPathComponent("rejects.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func planTasksMergeIntoTheSingleRun() throws {
        let dir = try TestSupport.tempDir()
        let big = try BuilderTests().corpus(dir, copies: 9)
        // A second input: a JSON array (read whole), then the JSONL file again.
        let lines = try String(contentsOf: TestSupport.dialogues, encoding: .isoLatin1).split(separator: "\n").filter { $0.hasPrefix("{\"messages\"") && !$0.contains("\\u00") }
        let array = try TestSupport.write("[\n" + lines.prefix(6).joined(separator: ",\n") + "\n]\n", "arr.json", in: dir)
        for format in [OutputFormat.safetensors, .nanogpt] {
            var single = TestSupport.options([big, array, TestSupport.dialogues.path], out: dir.appendingPathComponent("single-\(format.rawValue)"))
            single.outputFormat = format
            single.rowsPerShard = 7
            single.keepRejects = true
            let ms = try CorpusBuilder(options: single, tokenizer: ByteLevelTokenizer()).run()
            let singleRejects = try rejects(URL(fileURLWithPath: single.outputDir))
            for n in [1, 2, 3, 5] {
                let sub = dir.appendingPathComponent("\(format.rawValue)")
                let (mm, merged) = try runPlan(single, tasks: n, in: sub, interruptTask: n == 3 ? 1 : nil)
                #expect(mm.files.filter { $0.path != "rejects.jsonl" } == ms.files.filter { $0.path != "rejects.jsonl" }, "\(format) N=\(n)")
                #expect(mm.recordsIn == ms.recordsIn && mm.recordsKept == ms.recordsKept && mm.dropped == ms.dropped, "\(format) N=\(n)")
                #expect(mm.blankLines == ms.blankLines && mm.pii == ms.pii && mm.splits == ms.splits, "\(format) N=\(n)")
                var o = mm.options, so = ms.options
                o["input_ranges"] = nil; so["input_ranges"] = nil
                #expect(o == so)
                // Ordinals and FILE:LINE sources are the single run's, also for tasks that start inside a file.
                let mr = try rejects(merged)
                #expect(mr.count == singleRejects.count)
                for (a, b) in zip(mr, singleRejects) {
                    #expect(a["ordinal"] as? Int == b["ordinal"] as? Int && a["source"] as? String == b["source"] as? String
                            && a["reason"] as? String == b["reason"] as? String, "\(a) vs \(b)")
                    if let r = a["record"] as? String, !r.isEmpty { #expect(r == b["record"] as? String) }
                }
                // Every input byte was read once: the merged inputs list each range once.
                #expect(mm.inputs.reduce(0) { $0 + $1.bytes } == ms.inputs.reduce(0) { $0 + $1.bytes })
                if n == 1 { #expect(mm.inputs == ms.inputs) }
            }
            #expect(ms.dropped["exact_duplicate", default: 0] > 0 && ms.dropped["near_duplicate", default: 0] > 0)
        }
    }

    @Test func planJSONRoundTrips() throws {
        let dir = try TestSupport.tempDir()
        var o = TestSupport.options([TestSupport.dialogues.path], out: dir)
        o.maxTokens = 900
        o.decontaminate = []
        o.valFraction = 0.125
        o.outputFormat = .megatron
        let (plan, _) = try CorpusPlan.make(options: o, tokenizer: "cl100k_base", output: dir.path + "/out \"q\"", tasks: 4)
        let back = try CorpusPlan.parse(plan.encoded(), source: "p.json")
        #expect(back.encoded() == plan.encoded())
        #expect(back.options.manifestOptions == o.manifestOptions)
        #expect(back.output == dir.path + "/out \"q\"" && back.tokenizer == "cl100k_base")
        #expect(back.taskDirectory(3).hasSuffix("/task-00003"))
    }

    /// Hostile plans: every error names the plan file and the key.
    @Test func badPlansNameTheKey() throws {
        let dir = try TestSupport.tempDir()
        let input = try TestSupport.write("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n", "in.jsonl", in: dir)
        var o = TestSupport.options([input], .jsonl, out: dir)
        o.seqLen = 64
        let (plan, _) = try CorpusPlan.make(options: o, tokenizer: "bytes", output: dir.path, tasks: 2)
        let good = String(decoding: plan.encoded(), as: UTF8.self)
        #expect(good.contains("\"end\": 26}]},\n    {\"task\": 1, \"ranges\": [{\"input\": 0, \"start\": 26,"), "\(good)")
        func expectError(_ text: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(sourceLocation: sourceLocation) { _ = try CorpusPlan.parse(Array(text.utf8), source: "p.json") } throws: { e in
                let m = "\(e)"
                return m.hasPrefix("p.json: ") && fragments.allSatisfy { m.contains($0) }
            }
        }
        expectError("[1]", "expected an object")
        expectError("{", "not JSON")
        expectError(good.replacingOccurrences(of: "\"aigc_corpus_plan\": 1", with: "\"aigc_corpus_plan\": 9"), "aigc_corpus_plan", "not supported")
        expectError(good.replacingOccurrences(of: "\"seq_len\": 64", with: "\"seq_len\": \"64\""), "options.seq_len", "expected an integer")
        expectError(good.replacingOccurrences(of: "\"seq_len\": 64", with: "\"seq_len\": 4"), "options.seq_len", "8...")
        expectError(good.replacingOccurrences(of: "\"seq_len\": 64,", with: ""), "options.seq_len", "missing")
        expectError(good.replacingOccurrences(of: "\"seq_len\": 64", with: "\"seq_len\": 64, \"seqlen\": 3"), "options.seqlen", "unknown key")
        expectError(good.replacingOccurrences(of: "\"template\": \"chatml\"", with: "\"template\": \"x\""), "options.template", "chatml")
        expectError(good.replacingOccurrences(of: "\"val_fraction\": 0.2", with: "\"val_fraction\": 2"), "options.val_fraction")
        expectError(good.replacingOccurrences(of: "\"start\": 26,", with: "\"start\": 25,"), "tasks[1].ranges[0]", "without gaps or overlaps")
        expectError(good.replacingOccurrences(of: "\"end\": 26}", with: "\"end\": 25}"), "tasks[1].ranges[0]", "expected input 0 from byte 25")
        expectError(good.replacingOccurrences(of: "\"end\": 26}", with: "\"end\": 99}"), "tasks[0].ranges[0].end", "0...39")
        expectError(good.replacingOccurrences(of: "\"task\": 1", with: "\"task\": 2"), "tasks[1].task", "must be 1")
        expectError(good.replacingOccurrences(of: "\"whole\": false", with: "\"whole\": true"), "tasks[0].ranges[0]", "read whole")
        expectError(good.replacingOccurrences(of: "\"bytes\": 39", with: "\"bytes\": 39.5"), "inputs[0].bytes", "non-integer")
        expectError(good.replacingOccurrences(of: ", \"ranges\": [{\"input\": 0, \"start\": 26, \"end\": 39}]", with: ", \"ranges\": []"), "tasks", "every input must be covered")
        // A task whose file changed since planning is refused before anything is read.
        try Data("{\"text\":\"a\"}\n".utf8).write(to: URL(fileURLWithPath: input))
        #expect { _ = try plan.taskOptions(1, threads: 1) } throws: { "\($0)".contains("in.jsonl") && "\($0)".contains("plan says 39") }
        #expect { _ = try plan.taskOptions(2, threads: 1) } throws: { "\($0)".contains("0..<2") }
    }
}

@Suite struct CompactMergeTests {
    /// The merge's dedup passes: any state budget (one band per pass up to all bands at once) gives the same bytes.
    @Test func everyStateBudgetGivesTheSingleRun() throws {
        let dir = try TestSupport.tempDir()
        let input = try BuilderTests().corpus(dir, copies: 9)
        var single = TestSupport.options([input], out: dir.appendingPathComponent("single"))
        single.rowsPerShard = 7
        single.keepRejects = true
        let ms = try CorpusBuilder(options: single, tokenizer: ByteLevelTokenizer()).run()
        let (plan, _) = try CorpusPlan.make(options: single, tokenizer: "bytes", output: dir.appendingPathComponent("t").path, tasks: 3)
        var dirs: [URL] = []
        for i in 0..<3 {
            var o = try plan.taskOptions(i, threads: 1)
            o.progress = false
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
            dirs.append(URL(fileURLWithPath: plan.taskDirectory(i)))
        }
        var rejects: [Data] = []
        for budget in [32, 64, 200, 1 << 20] {
            var merger = CorpusMerger(inputs: dirs, output: dir.appendingPathComponent("m\(budget)"))
            merger.stateBytesPerRecord = budget
            let (mm, state, entries) = try merger.runMeasured()
            #expect(mm.files.filter { $0.path != "rejects.jsonl" } == ms.files.filter { $0.path != "rejects.jsonl" }, "budget \(budget)")
            #expect(mm.dropped == ms.dropped && mm.recordsKept == ms.recordsKept, "budget \(budget)")
            #expect(entries > 50)
            if budget <= 64 { #expect(state <= budget * entries + 64, "state \(state) for \(entries) entries at budget \(budget)") }
            rejects.append(try Data(contentsOf: dir.appendingPathComponent("m\(budget)/rejects.jsonl")))
        }
        #expect(Set(rejects).count == 1)
        #expect(CorpusMerger.bandGroups(bands: 14, exact: true, budget: 64) == [[0, 1, 2, 3], [4, 5, 6, 7, 8, 9], [10, 11, 12, 13]])
        #expect(CorpusMerger.bandGroups(bands: 14, exact: true, budget: 1 << 20) == [Array(0..<14)])
        #expect(CorpusMerger.bandGroups(bands: 0, exact: true, budget: 64) == [[]])
    }

    @Test func compactKeySetAgreesWithSet() {
        var rng = SystemRandomNumberGenerator()
        for words in [1, 2] {
            var compact = CompactKeySet(words: words, expected: 1000)
            var reference = Set<[UInt64]>()
            for i in 0..<5000 {   // five times the expected count: the set grows
                let a: UInt64 = i % 97 == 0 ? 0 : UInt64.random(in: 0..<3000, using: &rng)
                let b: UInt64 = words == 2 ? UInt64.random(in: 0..<2, using: &rng) : 0
                #expect(compact.insert(a, b) == reference.insert([a, b]).inserted)
            }
            #expect(compact.count == reference.count)
        }
        let sized = CompactKeySet(words: 1, expected: 1_000_000)
        #expect(sized.bytes <= 10 * 1_000_000 + 8)
    }
}

@Suite struct PartitionedDedupTests {
    /// Runs every partition of P, checks what each read, and re-packs from their files.
    func partitioned(_ dirs: [URL], _ p: Int, in dir: URL) throws -> (DatasetManifest, [URL]) {
        let parts = dir.appendingPathComponent("parts-\(p)")
        try FileManager.default.createDirectory(at: parts, withIntermediateDirectories: true)
        var files: [URL] = []
        var flagged = 0, read = 0
        let k = Int(try CorpusLayout.readManifest(in: dirs[0]).options["key_partitions"] ?? "") ?? 0
        for i in 0..<p {
            let f = parts.appendingPathComponent("dedup-\(i).bin")
            let r = try CorpusMerger(inputs: dirs, output: parts).dedupPartition(i, of: p, to: f)
            // Partition i reads exactly the key files ≡ i (mod P) of every task, and nothing else.
            let mine = Array(stride(from: i, to: k, by: p))
            #expect(r.parts == mine, "P=\(p) partition \(i)")
            let expected = try dirs.reduce(0) { sum, d in
                try mine.reduce(sum) { $0 + (try FileManager.default.attributesOfItem(atPath: DedupKeyLog.url(in: d, part: $1).path)[.size] as! Int) }
            }
            #expect(r.bytesRead == expected, "P=\(p) partition \(i)")
            flagged += r.flagged
            read += r.bytesRead
            files.append(f)
        }
        // All partitions together read the key volume once (not P times).
        let total = try dirs.reduce(0) { sum, d in
            try (0..<k).reduce(sum) { $0 + (try FileManager.default.attributesOfItem(atPath: DedupKeyLog.url(in: d, part: $1).path)[.size] as! Int) }
        }
        #expect(read == total && total > 0, "P=\(p)")
        #expect(flagged > 0)
        var merger = CorpusMerger(inputs: dirs, output: dir.appendingPathComponent("m\(p)"))
        merger.partitionedDedup = files.reversed()
        return (try merger.run(), files)
    }

    @Test func partitionsGiveTheSameMerge() throws {
        let dir = try TestSupport.tempDir()
        let input = try BuilderTests().corpus(dir, copies: 9)
        var single = TestSupport.options([input], out: dir.appendingPathComponent("single"))
        single.rowsPerShard = 7
        single.keepRejects = true
        let ms = try CorpusBuilder(options: single, tokenizer: ByteLevelTokenizer()).run()
        for (n, k) in [(4, CorpusBuildOptions.defaultKeyPartitions), (3, 21)] {
            var planned = single
            planned.keyPartitions = k
            let (plan, _) = try CorpusPlan.make(options: planned, tokenizer: "bytes", output: dir.appendingPathComponent("t\(n)").path, tasks: n)
            let parsed = try CorpusPlan.parse(plan.encoded(), source: "plan.json")
            #expect(parsed.options.keyPartitions == k)
            var dirs: [URL] = []
            for i in 0..<n {
                var o = try parsed.taskOptions(i, threads: 1 + i % 2)
                o.progress = false
                o.batchRecords = 40
                o.checkpointBytes = 1500
                if i == 1 {
                    // Killed after its first checkpoint, then resumed: its key files continue where they stopped.
                    let first = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
                    first.stopAfterCheckpoints = 1
                    #expect(throws: (any Error).self) { try first.run() }
                    #expect(FileManager.default.fileExists(atPath: DedupKeyLog.directory(in: URL(fileURLWithPath: o.outputDir)).appendingPathComponent(".part-00000.partial").path))
                }
                try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
                dirs.append(URL(fileURLWithPath: parsed.taskDirectory(i)))
            }
            let reference = try CorpusMerger(inputs: dirs, output: dir.appendingPathComponent("ref\(n)")).run()
            // Tasks record their key fan-out; a single run and the merge (which equals it) do not.
            #expect(try CorpusLayout.readManifest(in: dirs[0]).options["key_partitions"] == "\(k)")
            #expect(reference.options["key_partitions"] == nil && ms.options["key_partitions"] == nil)
            for p in [1, 3, 7] {
                let (mm, files) = try partitioned(dirs, p, in: dir.appendingPathComponent("n\(n)"))
                #expect(mm.files == reference.files, "N=\(n) K=\(k) P=\(p)")
                #expect(mm.files.filter { $0.path != "rejects.jsonl" } == ms.files.filter { $0.path != "rejects.jsonl" }, "N=\(n) K=\(k) P=\(p)")
                #expect(mm.dropped == ms.dropped && mm.recordsKept == ms.recordsKept, "N=\(n) K=\(k) P=\(p)")
                if p == 3 {
                    // A missing partition is refused, not silently under-deduplicated.
                    var partial = CorpusMerger(inputs: dirs, output: dir.appendingPathComponent("partial"))
                    partial.partitionedDedup = Array(files.prefix(2))
                    #expect { try partial.run() } throws: { "\($0)".contains("need all 3 partition files") }
                    // Partition files of other tasks are refused (they name records these logs do not hold).
                    var other = CorpusMerger(inputs: Array(dirs.prefix(n - 1)), output: dir.appendingPathComponent("other"))
                    other.partitionedDedup = files
                    #expect(throws: (any Error).self) { try other.run() }
                }
            }
            // More partitions than key files: refused, naming both.
            #expect { _ = try CorpusMerger(inputs: dirs, output: dir).dedupPartition(0, of: k + 1, to: dir.appendingPathComponent("x.bin")) } throws: {
                "\($0)".contains("--partitions \(k + 1)") && "\($0)".contains("\(k) key files")
            }
            // A damaged key file is refused, naming it.
            let victim = DedupKeyLog.url(in: dirs[0], part: 0)
            let bytes = try Data(contentsOf: victim)
            try bytes.prefix(bytes.count - 5).write(to: victim)
            #expect { _ = try CorpusMerger(inputs: dirs, output: dir).dedupPartition(0, of: 1, to: dir.appendingPathComponent("y.bin")) } throws: {
                "\($0)".contains(victim.path)
            }
            try bytes.write(to: victim)
        }
    }

    /// Hash shards (`--num-shards N --shard-index I`, every shard reads all input) interleave ordinals: partitions
    /// merge their key files by ordinal.
    @Test func hashShardsPartitionToo() throws {
        let dir = try TestSupport.tempDir()
        let input = try BuilderTests().corpus(dir, copies: 5)
        var single = TestSupport.options([input], out: dir.appendingPathComponent("single"))
        single.rowsPerShard = 7
        let ms = try CorpusBuilder(options: single, tokenizer: ByteLevelTokenizer()).run()
        var dirs: [URL] = []
        for i in 0..<3 {
            var o = single
            o.numShards = 3
            o.shardIndex = i
            o.keyPartitions = 6
            o.outputDir = dir.appendingPathComponent("s\(i)").path
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
            dirs.append(URL(fileURLWithPath: o.outputDir))
        }
        for p in [1, 4] {
            let (mm, _) = try partitioned(dirs, p, in: dir)
            #expect(mm.files == ms.files, "P=\(p)")
            #expect(mm.dropped == ms.dropped && mm.recordsKept == ms.recordsKept, "P=\(p)")
        }
    }
}
