import AIGCCore
import AIGCFormats
import Foundation
import Testing
import AIGCModel

/// The training loop: resume is bit-identical, checkpoint and config errors are clear, data loaders validate.
@Suite struct TrainingTests {
    static let config = GPTConfig(vocabSize: 11, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, dropout: 0.1)

    static func options(maxIters: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.batchSize = 3; o.blockSize = 8; o.maxIters = maxIters; o.warmupIters = 2; o.lrDecayIters = 8
        o.evalInterval = 2; o.evalIters = 2; o.lr = 1e-2; o.minLR = 1e-3; o.gradAccumSteps = 2; o.threads = 2
        o.logInterval = 1
        return o
    }

    static func source() throws -> StreamBatchSource {
        var rng = Xoshiro256(seed: 9)
        let train = TokenStream(tokens: (0..<400).map { _ in Int32(rng.nextInt(below: 11)) })
        let val = TokenStream(tokens: (0..<100).map { _ in Int32(rng.nextInt(below: 11)) })
        return try StreamBatchSource(train: train, val: val, batchSize: 3, blockSize: 8)
    }

    @Test func resumeIsBitIdentical() throws {
        let straight = TestSupport.tmpDir("straight"), split = TestSupport.tmpDir("split")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: split) }
        let a = try Trainer(config: Self.config, options: Self.options(maxIters: 8), outDirectory: straight)
        try a.run(source: try Self.source())
        let b = try Trainer(config: Self.config, options: Self.options(maxIters: 4), outDirectory: split)
        try b.run(source: try Self.source())
        // Simulate the interrupted run having logged past its checkpoint.
        let metricsURL = split.appendingPathComponent("metrics.jsonl")
        try (String(contentsOf: metricsURL, encoding: .utf8) + "{\"iter\":5,\"train_loss\":9}\n").write(to: metricsURL, atomically: true, encoding: .utf8)
        let c = try Trainer.resume(outDirectory: split, options: Self.options(maxIters: 8), config: nil)
        #expect(c.iter == 4)
        try c.run(source: try Self.source())
        for f in ["model.safetensors", "optimizer.safetensors"] {
            let x = try Data(contentsOf: straight.appendingPathComponent(f)), y = try Data(contentsOf: split.appendingPathComponent(f))
            #expect(x == y, "\(f) differs after resume")
        }
        func losses(_ d: URL) throws -> [String] {
            try String(contentsOf: d.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").map { line in
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return "\(o["iter"]!) \(o["train_loss"]!) \(o["val_loss"] ?? "-")"
            }
        }
        #expect(try losses(straight) == losses(split))
        let svg = try String(contentsOf: split.appendingPathComponent("loss.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("validation") && svg.contains("polyline"))
    }

    @Test func corruptCheckpointsAndConfigsGiveClearErrors() throws {
        let dir = TestSupport.tmpDir("ck")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try Trainer(config: Self.config, options: Self.options(maxIters: 2), outDirectory: dir)
        try t.run(source: try Self.source())
        func message(_ body: () throws -> Void) -> String { do { try body(); return "" } catch { return "\(error)" } }
        // A flipped byte in the weights is caught by the state's hash.
        let weights = dir.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        #expect(message { _ = try TrainingCheckpoint.load(directory: dir) }.contains("SHA-256 does not match"))
        // Loading the model alone reads the (valid-format) file.
        _ = try GPTModel.load(directory: dir)
        // Config errors name the file and the problem.
        let cfg = dir.appendingPathComponent("config.json")
        try Data("{\"vocab_size\": 11, \"n_layer\": 1, \"n_head\": 3, \"n_embd\": 8, \"block_size\": 8}".utf8).write(to: cfg)
        #expect(message { _ = try GPTModel.load(directory: dir) }.contains("not divisible by n_head 3"))
        try Data("{\"vocab_size\": 11}".utf8).write(to: cfg)
        #expect(message { _ = try GPTModel.load(directory: dir) }.contains("missing key 'n_layer'"))
        try Data("not json".utf8).write(to: cfg)
        #expect(message { _ = try GPTModel.load(directory: dir) }.contains("config.json"))
        // Weights that do not fit the config.
        try GPTConfig(vocabSize: 12, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8).jsonData().write(to: cfg)
        #expect(message { _ = try GPTModel.load(directory: dir) }.contains("has shape [11, 8], the config needs [12, 8]"))
        #expect(message { _ = try TrainingCheckpoint.load(directory: TestSupport.tmpDir("empty")) }.contains("train_state.json"))
    }

    @Test func tokenStreamsLoadAllFormatsAndRejectBadIds() throws {
        let dir = TestSupport.tmpDir("streams")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids: [UInt16] = [1, 2, 3, 4, 10]
        try ids.withUnsafeBytes { try Data($0).write(to: dir.appendingPathComponent("t.bin")) }
        #expect(try TokenStream.load(path: dir.appendingPathComponent("t.bin").path, format: .nanogpt, vocabSize: 11).tokens == [1, 2, 3, 4, 10])
        let err = { (body: () throws -> Void) -> String in do { try body(); return "" } catch { return "\(error)" } }
        #expect(err { _ = try TokenStream.load(path: dir.appendingPathComponent("t.bin").path, format: .nanogpt, vocabSize: 10) }.contains("token 4: id 10 is outside the vocabulary of 10"))
        // Megatron: MMIDIDX header with dtype code 8 (uint16).
        var idx = Data("MMIDIDX".utf8) + Data([0, 0])
        var version: UInt64 = 1
        idx.append(Data(bytes: &version, count: 8))
        idx.append(8)
        // One sequence of 5 tokens at byte 0, one document: counts, sizes, pointers, document boundaries.
        let empty = idx + Data(count: 16)
        for v: UInt64 in [1, 2] { withUnsafeBytes(of: v.littleEndian) { idx.append(contentsOf: $0) } }
        withUnsafeBytes(of: Int32(5).littleEndian) { idx.append(contentsOf: $0) }
        for v: Int64 in [0, 0, 1] { withUnsafeBytes(of: v.littleEndian) { idx.append(contentsOf: $0) } }
        try idx.write(to: dir.appendingPathComponent("m.idx"))
        try ids.withUnsafeBytes { try Data($0).write(to: dir.appendingPathComponent("m.bin")) }
        #expect(try TokenStream.load(path: dir.appendingPathComponent("m").path, format: .megatron, vocabSize: 11).tokens == [1, 2, 3, 4, 10])
        // An index that describes none of the .bin's bytes is refused (it would train on unindexed data).
        try empty.write(to: dir.appendingPathComponent("m.idx"))
        #expect(err { _ = try TokenStream.load(path: dir.appendingPathComponent("m").path, format: .megatron, vocabSize: 11) }.contains("describes 0 tokens of 2 bytes"))
        try Data("garbage!garbage!garbage".utf8).write(to: dir.appendingPathComponent("m.idx"))
        #expect(err { _ = try TokenStream.load(path: dir.appendingPathComponent("m.bin").path, format: .megatron, vocabSize: 11) }.contains("MMIDIDX"))
        var w = SafeTensorsWriter()
        try w.add("input_ids", int32s: [5, 6, 7, 8], shape: [2, 2])
        try w.write(to: dir.appendingPathComponent("c.safetensors"))
        #expect(try TokenStream.load(path: dir.appendingPathComponent("c.safetensors").path, format: .safetensors, vocabSize: 11).tokens == [5, 6, 7, 8])
        #expect(err { _ = try StreamBatchSource(train: TokenStream(tokens: [1, 2, 3]), val: nil, batchSize: 1, blockSize: 8) }.contains("too short"))
    }

    @Test func scheduleMatchesNanoGPT() {
        let s = LearningRateSchedule(lr: 1e-3, minLR: 1e-4, warmupIters: 100, decayIters: 2000)
        #expect(abs(s.rate(at: 0) - 1e-3 / 101) < 1e-15)
        #expect(abs(s.rate(at: 100) - 1e-3) < 1e-15)
        #expect(abs(s.rate(at: 1050) - 5.5e-4) < 1e-12)
        #expect(s.rate(at: 2001) == 1e-4)
    }
}
