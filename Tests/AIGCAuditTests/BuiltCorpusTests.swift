import AIGCAudit
import AIGCCore
import AIGCCorpus
import AIGCFormats
import Foundation
import Testing

/// `aigc audit DIR`: what the tensors hold, read back from the files.
@Suite struct BuiltCorpusTests {
    func build(_ format: OutputFormat, packing: PackingMode? = nil, in dir: URL) throws -> (URL, DatasetManifest) {
        let out = dir.appendingPathComponent("out-\(format.rawValue)")
        var o = CorpusBuildOptions(inputs: [Fixture.path("planted.jsonl"), Fixture.path("clean.jsonl")], inputFormat: .openai, outputDir: out.path)
        o.seqLen = 256
        o.valFraction = 0.2
        o.outputFormat = format
        if let packing { o.packing = packing }
        o.threads = 1
        let m = try CorpusBuilder(options: o, tokenizer: ByteLevelTokenizer()).run()
        return (out, m)
    }

    @Test(arguments: [PackingMode.pack, .pad])
    func safetensorsMatchManifestAndPassSanity(_ packing: PackingMode) throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (out, m) = try build(.safetensors, packing: packing, in: dir)
        let r = try BuiltCorpusAuditor(directory: out.path).run()
        let c = try #require(r.corpus)
        #expect(c.labelSanity.ok)
        #expect(c.labelSanity.rowsChecked > 0)
        #expect(c.recordsIn == UInt64(m.recordsIn) && c.recordsKept == UInt64(m.recordsKept))
        for s in c.splits {
            let ms = try #require(m.splits[s.split])
            #expect(s.tokens == UInt64(ms.tokens))
            #expect(s.trainedTokens == UInt64(ms.trainedTokens))
            #expect(s.paddingTokens == UInt64(ms.paddingTokens))
            #expect(s.rows == UInt64(ms.rows))
            #expect(s.segments == UInt64(ms.documents))
            #expect(s.positions == s.rows * 256)
        }
        #expect(abs(c.trainedTokenFraction - m.trainedTokenFraction) < 1e-9)
        #expect(abs(c.paddingWaste + c.packingEfficiency - 1) < 1e-12)
        #expect(r.findings.isEmpty)
        if packing == .pad { #expect(c.splits.allSatisfy { $0.rows == $0.segments }) }
    }

    @Test func megatronAndNanoGPT() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for format in [OutputFormat.megatron, .nanogpt, .npy] {
            let (out, m) = try build(format, in: dir)
            let c = try #require(try BuiltCorpusAuditor(directory: out.path).run().corpus)
            #expect(c.labelSanity.ok)
            for s in c.splits {
                let ms = try #require(m.splits[s.split])
                #expect(s.tokens == UInt64(ms.tokens))
                if format != .nanogpt { #expect(s.trainedTokens == UInt64(ms.trainedTokens)) }
            }
        }
    }

    /// Hand-made tensors breaking each rule are caught and counted.
    @Test func brokenTensorsAreReported() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seq = 8
        // Row: segment 1 (4 tokens), segment 2 (2 tokens), 2 padding.
        var ids: [Int32] = [10, 11, 12, 13, 20, 21, 0, 0]
        var labels: [Int32] = [-100, 11, 12, 13, -100, 21, -100, -100]
        var pos: [Int32] = [0, 1, 2, 3, 0, 1, 0, 0]
        let seg: [Int32] = [1, 1, 1, 1, 2, 2, 0, 0]
        labels[2] = 99      // label differs from its input id
        labels[7] = 5       // trained padding
        pos[5] = 7          // position does not count up
        ids[0] = 300        // outside a 256-id vocabulary
        var w = SafeTensorsWriter()
        try w.add("input_ids", int32s: ids, shape: [1, seq]); try w.add("labels", int32s: labels, shape: [1, seq])
        try w.add("position_ids", int32s: pos, shape: [1, seq]); try w.add("segment_ids", int32s: seg, shape: [1, seq])
        let bytes = w.serialized()
        try Data(bytes).write(to: dir.appendingPathComponent("train-00000.safetensors"))
        var m = DatasetManifest(tokenizer: .init(name: "bytes", sha256: "", vocabularySize: 256))
        m.options = ["output_format": "safetensors", "seq_len": "\(seq)", "packing": "pack"]
        m.recordsIn = 2; m.recordsKept = 2
        var st = DatasetManifest.SplitStats(); st.tokens = 6
        m.splits = ["train": st]
        m.files = [.init(path: "train-00000.safetensors", bytes: bytes.count, sha256: "")]
        try m.encoded().write(to: dir.appendingPathComponent("manifest.json"))
        let r = try BuiltCorpusAuditor(directory: dir.path).run()
        let c = try #require(r.corpus)
        #expect(c.labelSanity.labelsNotMatchingInput == 1)
        #expect(c.labelSanity.labelsOnPadding == 1)
        #expect(c.labelSanity.positionIdErrors == 1)
        #expect(c.labelSanity.idsOutOfVocabulary == 1)
        #expect(!c.labelSanity.ok)
        #expect(c.splits[0].tokens == 6 && c.splits[0].paddingTokens == 2 && c.splits[0].segments == 2)
        #expect(c.splits[0].trainedTokens == 4)
        #expect(r.findings.map(\.kind) == ["label_sanity"])
    }

    @Test func directoryWithoutManifestIsAClearError() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: AIGCError.self) { try BuiltCorpusAuditor(directory: dir.path).run() }
    }
}
