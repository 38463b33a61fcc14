import AIGC
import Foundation
import Testing

/// `aigc import-hf` against a tiny randomly initialised transformers GPT2LMHeadModel (Fixtures/hf-gpt2, made by
/// Scripts/make-hf-gpt2-fixture.py, with the logits and token ids transformers and tokenizers computed).
@Suite struct HFImportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/hf-gpt2")

    struct Expected: Decodable {
        var text: String
        var ids: [UInt32]
        var inputs: [[Int32]]
        var logits: [[[Float]]]
    }

    static func tmp(_ name: String) -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("hf-import-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture.appendingPathComponent("expected.json")))
    }

    @Test func importedModelGivesTransformersLogits() throws {
        let out = Self.tmp("logits")
        defer { try? FileManager.default.removeItem(at: out) }
        let e = try Self.expected()
        let model = try HFImport.importModel(from: Self.fixture, to: out)
        let loaded = try GPTModel.load(directory: out)
        var worst: Float = 0
        for (k, input) in e.inputs.enumerated() {
            for m in [model, loaded] {
                let engine = GPTEngine(model: m, batchSize: 1, time: input.count, shards: 1, threads: 1, training: false)
                let logits = engine.logits(TokenBatch(batch: 1, time: input.count, inputs: input))
                let want = e.logits[k].flatMap { $0 }
                #expect(logits.count == want.count)
                for (a, b) in zip(logits, want) { worst = max(worst, abs(a - b)) }
            }
        }
        #expect(worst <= 1e-4, "max |Δ| = \(worst)")
        // The tokenizer: tokenizer.json as HF wrote it, and GPT-2's vocab.json + merges.txt alone, give HF's ids.
        let tok = try Tokenizer(contentsOf: out.appendingPathComponent("tokenizer.json"))
        #expect(tok.encodeOrdinary(e.text) == e.ids)
        let bare = Self.tmp("bare")
        for f in ["config.json", "model.safetensors", "vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(f), to: bare.appendingPathComponent(f))
        }
        let out2 = Self.tmp("bare-out")
        try HFImport.importModel(from: bare, to: out2)
        let tok2 = try Tokenizer(contentsOf: out2.appendingPathComponent("tokenizer.json"))
        #expect(tok2.encodeOrdinary(e.text) == e.ids)
        #expect(tok2.vocabularySize <= model.config.vocabSize)
    }

    /// export-hf → import-hf → export-hf gives the same bytes (weights, config, tokenizer).
    @Test func exportImportExportIsByteIdentical() throws {
        let a = Self.tmp("a"), b = Self.tmp("b"), c = Self.tmp("c"), d = Self.tmp("d")
        try HFImport.importModel(from: Self.fixture, to: a)
        try HFExport.export(modelDirectory: a, to: b)
        try HFImport.importModel(from: b, to: c)
        try HFExport.export(modelDirectory: c, to: d)
        for f in ["config.json", "model.safetensors", "tokenizer.json"] {
            let x = try Data(contentsOf: b.appendingPathComponent(f)), y = try Data(contentsOf: d.appendingPathComponent(f))
            #expect(x == y, "\(f) differs after export → import → export")
        }
        // And our own model directory survives import → export → import unchanged.
        for f in ["config.json", "model.safetensors"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: c.appendingPathComponent(f)), "\(f)")
        }
    }

    /// What this GPT-2 does not compute is refused naming the key or tensor, and nothing is written.
    @Test func unsupportedArchitecturesAndShapesAreRefused() throws {
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture.appendingPathComponent("config.json"))) as! [String: Any]
        let cases: [(String, Any, String)] = [
            ("model_type", "llama", "model_type: 'llama' is not supported"),
            ("activation_function", "relu", "activation_function: 'relu' is not supported"),
            ("n_inner", 32, "n_inner: 32 is not supported"),
            ("n_embd", 32, "has shape [300, 16], config.json needs [300, 32]"),
            ("scale_attn_by_inverse_layer_idx", true, "scale_attn_by_inverse_layer_idx: true is not supported"),
            ("n_head", 3, "n_embd: 16 is not a multiple of n_head 3"),
        ]
        for (key, value, message) in cases {
            let dir = Self.tmp("bad")
            for f in ["model.safetensors", "tokenizer.json"] {
                try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(f), to: dir.appendingPathComponent(f))
            }
            var c = config
            c[key] = value
            try JSONSerialization.data(withJSONObject: c).write(to: dir.appendingPathComponent("config.json"))
            let out = dir.appendingPathComponent("out")
            do {
                try HFImport.importModel(from: dir, to: out)
                Issue.record("\(key) = \(value) was imported")
            } catch {
                #expect("\(error)".contains(message), "\(key): \(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(key): something was written")
        }
        // An untied LM head.
        let dir = Self.tmp("untied")
        let src = try SafeTensorsFile(contentsOf: Self.fixture.appendingPathComponent("model.safetensors"))
        var w = SafeTensorsWriter(metadata: ["format": "pt"])
        for n in src.names { try w.add(n, floats: try src.floats(n), shape: try src.shape(n)) }
        var head = try src.floats("transformer.wte.weight")
        head[0] += 1
        try w.add("lm_head.weight", floats: head, shape: try src.shape("transformer.wte.weight"))
        try w.write(to: dir.appendingPathComponent("model.safetensors"))
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("config.json"), to: dir.appendingPathComponent("config.json"))
        #expect(throws: (any Error).self) { try HFImport.importModel(from: dir, to: dir.appendingPathComponent("out")) }
        do { try HFImport.importModel(from: dir, to: dir.appendingPathComponent("out")) } catch {
            #expect("\(error)".contains("untied LM head is not supported"), "\(error)")
        }
    }
}
