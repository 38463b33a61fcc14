import AIGCCore
import AIGCCorpus
import AIGCFormats
import Foundation
import Testing

@Suite struct PackingTests {
    func doc(_ n: Int, start: UInt32, trainedFrom: Int) -> TokenizedDocument {
        TokenizedDocument(ids: (0..<n).map { start + UInt32($0) }, mask: (0..<n).map { $0 >= trainedFrom ? 1 : 0 }, turnEnds: [n])
    }

    @Test func packInvariants() {
        var p = Packer(mode: .pack, seqLen: 10, padID: 999)
        var out = RowBlock(seqLen: 10)
        let docs = [doc(4, start: 100, trainedFrom: 2), doc(5, start: 200, trainedFrom: 1), doc(6, start: 300, trainedFrom: 0), doc(10, start: 400, trainedFrom: 5)]
        for d in docs { p.add(d, into: &out) }
        p.flush(into: &out)
        #expect(out.rows == 3)
        // Row 0: doc0 + doc1 (4 + 5 = 9) then 1 pad.
        #expect(Array(out.inputIDs[0..<10]) == [100, 101, 102, 103, 200, 201, 202, 203, 204, 999])
        #expect(Array(out.positionIDs[0..<10]) == [0, 1, 2, 3, 0, 1, 2, 3, 4, 0])
        #expect(Array(out.segmentIDs[0..<10]) == [1, 1, 1, 1, 2, 2, 2, 2, 2, 0])
        #expect(Array(out.labels[0..<10]) == [-100, -100, 102, 103, -100, 201, 202, 203, 204, -100])
        // Row 1: doc2 alone (doc3 does not fit), row 2: doc3 exactly.
        #expect(Array(out.segmentIDs[10..<20]) == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
        #expect(Array(out.segmentIDs[20..<30]) == Array(repeating: 1, count: 10))
        #expect(p.stats.paddingTokens == 5 && p.stats.tokens == 25 && p.stats.documents == 4)
        // Every label is -100 or equals its input id.
        for i in 0..<out.labels.count { #expect(out.labels[i] == -100 || out.labels[i] == out.inputIDs[i]) }
    }

    @Test func padOneDocumentPerRow() {
        var p = Packer(mode: .pad, seqLen: 8, padID: 0)
        var out = RowBlock(seqLen: 8)
        for d in [doc(3, start: 1, trainedFrom: 0), doc(2, start: 10, trainedFrom: 0)] { p.add(d, into: &out) }
        p.flush(into: &out)
        #expect(out.rows == 2)
        #expect(Array(out.segmentIDs[0..<8]) == [1, 1, 1, 0, 0, 0, 0, 0])
        #expect(Array(out.segmentIDs[8..<16]) == [1, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test func concatStreamsAcrossRows() {
        var p = Packer(mode: .concat, seqLen: 4, padID: 7)
        var out = RowBlock(seqLen: 4)
        for d in [doc(3, start: 1, trainedFrom: 0), doc(3, start: 10, trainedFrom: 0)] { p.add(d, into: &out) }
        p.flush(into: &out)
        #expect(out.inputIDs == [1, 2, 3, 10, 11, 12, 7, 7])
        #expect(out.positionIDs == [0, 1, 2, 3, 0, 1, 0, 0])
        #expect(out.labels == [1, 2, 3, 10, 11, 12, -100, -100])
    }
}

@Suite struct SafetensorsHeaderTests {
    @Test func streamedHeaderEqualsWriterHeader() throws {
        var w = SafeTensorsWriter()
        for name in TensorShardOutput.tensorNames { try w.add(name, int32s: [Int32](repeating: 1, count: 6), shape: [2, 3]) }
        #expect(TensorShardOutput.safetensorsHeader(rows: 2, seqLen: 3) == w.headerBytes())
    }
}

/// `npy` shards are streamed into their files as rows are packed (`NpyShardStream`): the files, their manifest
/// hashes and a checkpoint's unfinished rows must be exactly those of whole shards held in memory.
@Suite struct StreamedNpyShardTests {
    func documents() -> [TokenizedDocument] {
        var docs: [TokenizedDocument] = []
        var seed: UInt64 = 7
        for d in 0..<60 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let n = 3 + Int(seed >> 59) + (d % 7 == 0 ? 40 : 0)  // some documents longer than a row
            let ids = (0..<n).map { UInt32((d * 31 + $0) % 250) }
            let mask = (0..<n).map { UInt8(($0 + d) % 3 == 0 ? 0 : 1) }
            docs.append(TokenizedDocument(ids: ids, mask: mask, turnEnds: [n]))
        }
        return docs
    }

    @Test(arguments: [PackingMode.pack, .concat], [1, 2, 3, 64])
    func streamedShardsEqualWholeShards(mode: PackingMode, streamRows: Int) throws {
        let dir = try TestSupport.tempDir()
        let seqLen = 16, rowsPerShard = 5
        let docs = documents()
        // Reference: every row of the split, packed in memory.
        var packer = Packer(mode: mode, seqLen: seqLen, padID: 255)
        var all = RowBlock(seqLen: seqLen)
        for d in docs { packer.add(d, into: &all) }
        packer.flush(into: &all)

        let out = TensorShardOutput(directory: dir, format: .npy, packing: mode, seqLen: seqLen, padID: 255,
                                    rowsPerShard: rowsPerShard, writeThreads: 2, streamRows: streamRows)
        var checked = 0
        for d in docs {
            try out.add(d, split: .train)
            if out.wantsCheckpoint {
                // The rows of no complete shard, as a whole-shard writer would hold them (the unfinished row is the packer's).
                let c = try out.checkpoint()
                let done = c.shardCounts["train", default: 0] * rowsPerShard * seqLen
                let pending = c.blocks["train"]?.inputIDs ?? []
                #expect(pending == Array(all.inputIDs[done..<(done + pending.count)]))
                #expect(c.blocks["train"]?.labels ?? [] == Array(all.labels[done..<(done + pending.count)]))
                checked += 1
            }
        }
        #expect(checked >= 2)
        let files = try out.finish()
        let shards = (all.rows + rowsPerShard - 1) / rowsPerShard
        #expect(files.count == 4 * shards)
        for k in 0..<shards {
            let rows = min(rowsPerShard, all.rows - k * rowsPerShard)
            let range = (k * rowsPerShard * seqLen)..<((k * rowsPerShard + rows) * seqLen)
            for (name, values) in [("input_ids", all.inputIDs), ("labels", all.labels),
                                   ("position_ids", all.positionIDs), ("segment_ids", all.segmentIDs)] {
                let url = dir.appendingPathComponent(String(format: "train-%05d.%@.npy", k, name))
                let a = try Npy.read(contentsOf: url)
                #expect(a.shape == [rows, seqLen])
                #expect(try a.int32s() == Array(values[range]), "\(url.lastPathComponent)")
                let bytes = try Data(contentsOf: url)
                let entry = files.first { $0.url.lastPathComponent == url.lastPathComponent }
                var h = SHA256()
                h.update(Array(bytes))
                #expect(entry?.sha256 == h.finalizeHex() && entry?.bytes == bytes.count)
            }
        }
        // No temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }
}
