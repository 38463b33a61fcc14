import AIGCCorpus
import AIGCFormats
import Foundation
import Testing

@Suite struct BuilderTests {
    /// A bigger corpus made from the fixture: many variants, exact and near duplicates.
    func corpus(_ dir: URL, copies: Int = 30) throws -> String {
        let base = try String(contentsOf: TestSupport.dialogues, encoding: .isoLatin1)
        var lines: [String] = []
        for k in 0..<copies {
            for (i, line) in base.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                // Every third copy is an exact duplicate; others get a distinguishing word (near duplicates for long texts).
                lines.append(k % 3 == 0 ? String(line) : line.replacingOccurrences(of: "?\"", with: " v\(k)x\(i)?\""))
            }
        }
        let url = dir.appendingPathComponent("big.jsonl")
        try Data(lines.joined(separator: "\n").utf8.map { $0 }).write(to: url)
        // Put the raw invalid byte back (isoLatin1 round trip turned it into U+00FF).
        var bytes = Array(try Data(contentsOf: url))
        let bad = Array("bad \u{FF} byte".utf8)
        var i = 0
        while i + bad.count <= bytes.count {
            if Array(bytes[i..<(i + bad.count)]) == bad { bytes.replaceSubrange(i..<(i + bad.count), with: Array("bad ".utf8) + [0xFF] + Array(" byte".utf8)) }
            i += 1
        }
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func manifestAccountsForEveryRecord() throws {
        let dir = try TestSupport.tempDir()
        var o = TestSupport.options([TestSupport.dialogues.path], out: dir.appendingPathComponent("out"))
        o.keepRejects = true
        let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        #expect(m.recordsIn == 20)
        #expect(m.recordsIn == m.recordsKept + m.dropped.values.reduce(0, +))
        #expect(m.dropped == ["exact_duplicate": 1, "near_duplicate": 1, "malformed_json": 1, "unknown_role": 1, "empty_turn": 1,
                              "role_order": 1, "schema": 1, "invalid_utf8": 1])
        #expect(m.pii == ["email": 1, "phone": 1, "ip": 1, "credit_card": 1])
        #expect(m.blankLines == 1)
        let rejects = try String(contentsOf: dir.appendingPathComponent("out/rejects.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 8)
        #expect(rejects.contains { $0.contains("\"reason\":\"malformed_json\"") && $0.contains("dialogues.jsonl:16") })
        // Files in the manifest exist with the recorded size and hash.
        let read = try DatasetManifest.read(from: dir.appendingPathComponent("out/manifest.json"))
        #expect(read == m)
        for f in m.files {
            let data = try Data(contentsOf: dir.appendingPathComponent("out/\(f.path)"))
            #expect(data.count == f.bytes)
        }
        #expect(m.inputs.count == 1 && m.inputs[0].sha256.count == 64)
    }

    @Test func strictStopsAtFirstMalformedRecord() throws {
        let dir = try TestSupport.tempDir()
        var o = TestSupport.options([TestSupport.dialogues.path], out: dir)
        o.strict = true
        #expect {
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        } throws: { e in
            "\(e)".contains("dialogues.jsonl:16") && "\(e)".contains("malformed_json")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("manifest.json").path))
    }

    /// The one invalid-UTF-8 policy: `fail` stops the build at the record, naming its file and line.
    @Test func invalidUTF8FailStopsAtTheRecord() throws {
        let dir = try TestSupport.tempDir()
        var o = TestSupport.options([TestSupport.dialogues.path], out: dir)
        o.invalidUTF8 = .fail
        #expect {
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        } throws: { e in
            "\(e)".contains("dialogues.jsonl:") && "\(e)".contains("invalid_utf8")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("manifest.json").path))
        #expect(o.manifestOptions["invalid_utf8"] == "fail")
        o.invalidUTF8 = .skip
        #expect(o.manifestOptions["invalid_utf8"] == "drop")
    }

    @Test func safetensorsMasksMatchAssistantContent() throws {
        let dir = try TestSupport.tempDir()
        let o = TestSupport.options([TestSupport.dialogues.path], out: dir)
        let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        let tok = try ByteLevelTokenizer().withSpecialTokens(ChatTemplate.chatml.specialTokens)
        var trainedText = ""
        var rows = 0
        for f in m.files where f.path.hasSuffix(".safetensors") {
            let st = try SafeTensorsFile(contentsOf: dir.appendingPathComponent(f.path))
            let ids = try st.withRawBytes("input_ids") { r, _ in Array(r.bindMemory(to: Int32.self)) }
            let labels = try st.withRawBytes("labels") { r, _ in Array(r.bindMemory(to: Int32.self)) }
            #expect(try st.shape("input_ids") == [ids.count / 256, 256])
            rows += ids.count / 256
            let trained = labels.filter { $0 != -100 }.map { UInt32($0) }
            trainedText += String(decoding: tok.decode(trained), as: UTF8.self)
        }
        #expect(rows == m.splits.values.reduce(0) { $0 + $1.rows })
        // Every trained token is assistant content or <|im_end|>; spot-check known answers and placeholders.
        #expect(trainedText.contains("Bonjour.<|im_end|>"))
        #expect(trainedText.contains("Goodbye!<|im_end|>"))
        #expect(!trainedText.contains("Hello!"))          // weight 0
        #expect(!trainedText.contains("<|im_start|>"))
        #expect(!trainedText.contains("user"))
    }

    @Test func outputIdenticalForAnyThreadCount() throws {
        let dir = try TestSupport.tempDir()
        let input = try corpus(dir)
        var results: [[String: Data]] = []
        for threads in [1, 3] {
            for format in [OutputFormat.safetensors, .megatron, .npy] {
                var o = TestSupport.options([input], out: dir.appendingPathComponent("t\(threads)-\(format.rawValue)"))
                o.threads = threads
                o.batchRecords = threads == 1 ? 64 : 500
                o.outputFormat = format
                o.keepRejects = true
                try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
                results.append(try TestSupport.files(dir.appendingPathComponent("t\(threads)-\(format.rawValue)")))
            }
        }
        #expect(results[0] == results[3])
        #expect(results[1] == results[4])
        #expect(results[2] == results[5])  // npy: shards streamed into their files while packing
        #expect(results[0].keys.contains("manifest.json"))
    }

    @Test func shardsMergeIntoTheSingleRun() throws {
        let dir = try TestSupport.tempDir()
        let input = try corpus(dir, copies: 12)
        for format in [OutputFormat.safetensors, .nanogpt] {
            var single = TestSupport.options([input], out: dir.appendingPathComponent("single-\(format.rawValue)"))
            single.outputFormat = format
            single.rowsPerShard = 7
            let ms = try CorpusBuilder(options: single, tokenizer: ByteLevelTokenizer()).run()
            var shardDirs: [URL] = []
            for i in 0..<3 {
                var o = single
                o.numShards = 3
                o.shardIndex = i
                o.outputDir = dir.appendingPathComponent("shard\(i)-\(format.rawValue)").path
                try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
                shardDirs.append(URL(fileURLWithPath: o.outputDir))
            }
            let mergedDir = dir.appendingPathComponent("merged-\(format.rawValue)")
            let mm = try CorpusMerger(inputs: shardDirs.reversed(), output: mergedDir).run()
            #expect(mm.recordsIn == ms.recordsIn)
            #expect(mm.recordsKept == ms.recordsKept)
            #expect(mm.dropped == ms.dropped)
            #expect(mm.pii == ms.pii)
            #expect(mm.splits == ms.splits)
            #expect(mm.files == ms.files)   // same names, sizes and SHA-256: byte-identical tensors
            #expect(ms.dropped["exact_duplicate", default: 0] > 0)
        }
    }

    @Test func megatronIndexMatchesFormat() throws {
        let dir = try TestSupport.tempDir()
        var o = TestSupport.options([TestSupport.dialogues.path], out: dir)
        o.outputFormat = .megatron
        o.valFraction = 0
        let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        let idx = Array(try Data(contentsOf: dir.appendingPathComponent("train.idx")))
        let bin = try Data(contentsOf: dir.appendingPathComponent("train.bin"))
        let loss = try Data(contentsOf: dir.appendingPathComponent("train.loss.bin"))
        // Independent reader: the layout of Megatron's _IndexWriter, field by field.
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(idx[at + $1]) << (8 * UInt64($1)) } }
        func i32(_ at: Int) -> Int32 { Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(idx[at + $1]) << (8 * UInt32($1)) }) }
        #expect(Array(idx[0..<9]) == [0x4D, 0x4D, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00])
        #expect(u64(9) == 1)
        #expect(idx[17] == 8)                                   // uint16 for a 259-token vocabulary
        let n = Int(u64(18))
        #expect(n == m.recordsKept)
        #expect(u64(26) == UInt64(n + 1))
        #expect(idx.count == 34 + n * 4 + n * 8 + (n + 1) * 8)
        var pointer = 0
        var total = 0
        for k in 0..<n {
            let len = Int(i32(34 + 4 * k))
            #expect(u64(34 + 4 * n + 8 * k) == UInt64(pointer))
            pointer += 2 * len
            total += len
        }
        for d in 0...n { #expect(u64(34 + 12 * n + 8 * d) == UInt64(d)) }
        #expect(bin.count == 2 * total)
        #expect(loss.count == total)
        let parsed = try MegatronIndex(bytes: idx)
        #expect(parsed.lengths.count == n && parsed.dtype == .uint16)
    }

    @Test func pretrainingTextConcatAndNpy() throws {
        let dir = try TestSupport.tempDir()
        let a = try TestSupport.write("First document.\nWith two lines.\n", "a.txt", in: dir)
        let b = try TestSupport.write("Second document, contact me at bob@example.com.", "b.txt", in: dir)
        var o = TestSupport.options([a, b], .text, out: dir.appendingPathComponent("out"))
        o.outputFormat = .npy
        o.seqLen = 16
        o.valFraction = 0
        let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        #expect(m.options["packing"] == "concat")
        #expect(m.recordsKept == 2)
        let ids = try Npy.read(contentsOf: dir.appendingPathComponent("out/train-00000.input_ids.npy")).int32s()
        let text = String(decoding: ids.filter { $0 < 256 }.map { UInt8($0) }, as: UTF8.self)
        #expect(text == "First document.\nWith two lines.\nSecond document, contact me at <EMAIL>.")
        #expect(ids.filter { $0 == 256 }.count >= 2)            // end-of-text after each document (+ padding)
        #expect(ids.count % 16 == 0)
    }

    @Test func overlongDropOrTruncate() throws {
        let dir = try TestSupport.tempDir()
        let long = String(repeating: "word ", count: 60), other = String(repeating: "other ", count: 60)
        let path = try TestSupport.write("""
        {"messages":[{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},{"role":"user","content":"\(long)"},{"role":"assistant","content":"\(long)"}]}
        {"messages":[{"role":"user","content":"\(other)"},{"role":"assistant","content":"\(other)"}]}
        {"messages":[{"role":"user","content":"q3"},{"role":"assistant","content":"\(other) \(long)"}]}
        """, "o.jsonl", in: dir)
        var o = TestSupport.options([path], out: dir.appendingPathComponent("t"))
        o.seqLen = 128
        o.valFraction = 0
        let t = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        // 1: whole first two turns kept. 2: the first turn alone overflows, nothing trained fits → overlong.
        // 3: no whole turn fits after the prompt; cut at seq_len, keeping part of the answer.
        #expect(t.recordsKept == 2 && t.splits["train"]?.truncatedDocuments == 2 && t.dropped == ["overlong": 1])
        o.overlong = .drop
        o.keepRejects = true
        o.outputDir = dir.appendingPathComponent("d").path
        let d = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        #expect(d.recordsKept == 0 && d.dropped == ["overlong": 3])
        // Library messages name the option property, not a CLI flag (the CLI maps properties to flags itself).
        let rejects = try String(contentsOf: dir.appendingPathComponent("d/rejects.jsonl"), encoding: .utf8)
        #expect(rejects.contains("tokens > CorpusBuildOptions.seqLen 128") && !rejects.contains("--"), "\(rejects)")
    }
}

@Suite struct ResumeTests {
    @Test func resumeAfterInterruptionIsByteIdentical() throws {
        let dir = try TestSupport.tempDir()
        let input = try BuilderTests().corpus(dir, copies: 12)
        // npy streams an unfinished shard's rows into its files: a checkpoint reads them back.
        for format in [OutputFormat.safetensors, .npy, .megatron, .nanogpt] {
            var o = TestSupport.options([input], out: dir.appendingPathComponent("full-\(format.rawValue)"))
            o.outputFormat = format
            o.rowsPerShard = 5
            o.checkpointBytes = 2000
            o.keepRejects = true
            o.batchRecords = 50
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
            let full = try TestSupport.files(dir.appendingPathComponent("full-\(format.rawValue)"))

            o.outputDir = dir.appendingPathComponent("cut-\(format.rawValue)").path
            let first = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
            first.stopAfterCheckpoints = 3
            #expect(throws: (any Error).self) { try first.run() }
            let cut = URL(fileURLWithPath: o.outputDir)
            #expect(FileManager.default.fileExists(atPath: BuildCheckpoint.url(in: cut).path))
            #expect(!FileManager.default.fileExists(atPath: cut.appendingPathComponent("manifest.json").path))
            // A second interruption, then completion.
            let second = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
            second.stopAfterCheckpoints = 2
            #expect(throws: (any Error).self) { try second.run() }
            try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
            let resumed = try TestSupport.files(cut)
            #expect(resumed.keys.sorted() == full.keys.sorted(), "\(format)")
            #expect(resumed == full, "\(format)")
        }
    }

    /// Issue 20: a checkpoint left by an interrupted build with other options is never resumed; the build starts
    /// over, and its outputs are exactly those of a fresh build with the new options (never a mix of both).
    @Test func aCheckpointMadeWithOtherOptionsIsNotResumed() throws {
        let dir = try TestSupport.tempDir()
        let input = try BuilderTests().corpus(dir, copies: 12)
        var o = TestSupport.options([input], out: dir.appendingPathComponent("cut"))
        o.rowsPerShard = 5
        o.checkpointBytes = 2000
        o.batchRecords = 50
        let first = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer())
        first.stopAfterCheckpoints = 3
        #expect(throws: (any Error).self) { try first.run() }
        let cut = URL(fileURLWithPath: o.outputDir)
        #expect(FileManager.default.fileExists(atPath: BuildCheckpoint.url(in: cut).path))
        var other = o
        other.seqLen = o.seqLen / 2
        try CorpusBuilder(options: other, tokenizer: ByteLevelTokenizer()).run()
        other.outputDir = dir.appendingPathComponent("fresh").path
        try CorpusBuilder(options: other, tokenizer: ByteLevelTokenizer()).run()
        let restarted = try TestSupport.files(cut), fresh = try TestSupport.files(dir.appendingPathComponent("fresh"))
        #expect(restarted.keys.sorted() == fresh.keys.sorted())
        #expect(restarted == fresh, "the build resumed a checkpoint made with another --seq-len")
    }
}
