import AIGCCore
import Foundation

/// Import from Hugging Face's GPT-2 layout (`config.json`, `model.safetensors`; the tokenizer from
/// `tokenizer.json`, or GPT-2's `vocab.json` + `merges.txt`) into a model directory `aigc` trains, fine-tunes,
/// trains adversarially and generates from. The inverse of `HFExport`: HF's `Conv1D` weights `[in, out]` are
/// transposed to our `[out, in]`; names with or without the `transformer.` prefix; a stored `lm_head.weight` must
/// equal `wte` (our LM head is tied). Anything this GPT-2 does not compute the same way is refused with the config
/// key or tensor that differs, before anything is written.
public enum HFImport {
    /// Imports `hfDirectory` into `out` (created): `config.json`, `model.safetensors`, and `tokenizer.json` when the
    /// HF directory has a tokenizer. Returns the model.
    @discardableResult
    public static func importModel(from hfDirectory: URL, to out: URL) throws -> GPTModel {
        let configURL = hfDirectory.appendingPathComponent("config.json")
        let config = try gptConfig(configURL)
        let weights = hfDirectory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else {
            let bin = hfDirectory.appendingPathComponent("pytorch_model.bin")
            throw AIGCError.input(location: hfDirectory.path, message: FileManager.default.fileExists(atPath: bin.path)
                                  ? "has pytorch_model.bin but no model.safetensors: convert it first (transformers: model.save_pretrained(dir, safe_serialization=True))"
                                  : "no model.safetensors")
        }
        let model = try GPTModel(config: config, seed: 0)
        try readWeights(SafeTensorsFile(contentsOf: weights), into: model)
        // The tokenizer is checked before anything is written.
        let tokenizer = try tokenizerData(hfDirectory, vocabularySize: config.vocabSize)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try model.save(directory: out)
        if let tokenizer { try AtomicFile.write(tokenizer, to: out.appendingPathComponent("tokenizer.json")) }
        return model
    }

    /// Our config from HF's `config.json`, refusing what this GPT-2 does not compute.
    static func gptConfig(_ url: URL) throws -> GPTConfig {
        let data = try FileContents.read(url)
        guard let c = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AIGCError.input(location: url.path, message: "not a JSON object")
        }
        func fail(_ key: String, _ message: String) -> AIGCError { AIGCError.input(location: "\(url.path): \(key)", message: message) }
        let type = c["model_type"] as? String
        guard type == "gpt2" else {
            throw fail("model_type", "'\(type ?? "missing")' is not supported: only GPT-2 (model_type gpt2) can be imported")
        }
        if let arch = c["architectures"] as? [String], let a = arch.first, !["GPT2LMHeadModel", "GPT2Model"].contains(a) {
            throw fail("architectures", "'\(a)' is not supported (GPT2LMHeadModel or GPT2Model)")
        }
        func int(_ k: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let n = c[k] as? NSNumber, let v = Int(exactly: n.doubleValue), range.contains(v) else {
                throw fail(k, "must be an integer in \(range.lowerBound)...\(range.upperBound) (got \(c[k].map { "\($0)" } ?? "nothing"))")
            }
            return v
        }
        let vocab = try int("vocab_size", 1...(1 << 24)), layers = try int("n_layer", 1...1024), heads = try int("n_head", 1...1024)
        let embd = try int("n_embd", 1...65536), positions = try int("n_positions", 1...65536)
        guard embd % heads == 0 else { throw fail("n_embd", "\(embd) is not a multiple of n_head \(heads)") }
        if let inner = c["n_inner"], !(inner is NSNull) {
            guard let n = inner as? NSNumber, n.intValue == 4 * embd else { throw fail("n_inner", "\(inner) is not supported (the MLP is 4 × n_embd = \(4 * embd))") }
        }
        let act = c["activation_function"] as? String ?? "gelu_new"
        guard ["gelu_new", "gelu_pytorch_tanh"].contains(act) else {
            throw fail("activation_function", "'\(act)' is not supported (the tanh GELU: gelu_new or gelu_pytorch_tanh)")
        }
        if let eps = c["layer_norm_epsilon"] as? NSNumber, abs(eps.doubleValue - 1e-5) > 1e-12 {
            throw fail("layer_norm_epsilon", "\(eps) is not supported (1e-5)")
        }
        for (k, expected) in [("scale_attn_weights", true), ("scale_attn_by_inverse_layer_idx", false), ("add_cross_attention", false),
                              ("tie_word_embeddings", true)] {
            if let v = c[k] as? Bool, v != expected { throw fail(k, "\(v) is not supported (\(expected))") }
        }
        return GPTConfig(vocabSize: vocab, nLayer: layers, nHead: heads, nEmbd: embd, blockSize: positions)
    }

    /// Fills the model from HF's tensors: every tensor present with HF's shape, nothing unknown, all finite.
    static func readWeights(_ file: SafeTensorsFile, into model: GPTModel) throws {
        let prefix = file.contains("transformer.wte.weight") ? "transformer." : ""
        var used = Set<String>()
        let p = model.params.pointer
        for t in model.layout.tensors {
            let name = prefix + HFExport.hfName(t.name)
            guard file.contains(name) else { throw AIGCError.input(location: file.path, message: "missing tensor '\(name)'") }
            used.insert(name)
            let linear = HFExport.isLinearWeight(t)
            let hfShape = linear ? [t.shape[1], t.shape[0]] : t.shape
            let shape = try file.shape(name)
            guard shape == hfShape else {
                throw AIGCError.input(location: file.path, message: "tensor '\(name)' has shape \(shape), config.json needs \(hfShape)")
            }
            let values = try file.floats(name)
            if let k = values.firstIndex(where: { !$0.isFinite }) {
                throw AIGCError.input(location: file.path, message: "tensor '\(name)' has a non-finite value (\(values[k])) at element \(k)")
            }
            let dst = p + t.offset
            if linear {
                let rows = t.shape[0], cols = t.shape[1]  // ours [out, in]; HF [in, out]
                for k in 0..<cols { for r in 0..<rows { dst[r * cols + k] = values[k * rows + r] } }
            } else {
                values.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: t.count) }
            }
        }
        for name in file.names where !used.contains(name) {
            if name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") { continue }  // causal-mask buffers
            if name == "lm_head.weight" {
                // Tied: must equal the token embedding, else it is a different model.
                let wte = try file.floats(prefix + "wte.weight")
                guard try file.shape(name) == (try file.shape(prefix + "wte.weight")), try file.floats(name) == wte else {
                    throw AIGCError.input(location: file.path, message: "tensor 'lm_head.weight' differs from 'wte.weight': an untied LM head is not supported")
                }
                continue
            }
            throw AIGCError.input(location: file.path, message: "unexpected tensor '\(name)' for GPT-2")
        }
    }

    /// The tokenizer as `tokenizer.json` bytes: HF's `tokenizer.json` as it is, else `vocab.json` + `merges.txt`
    /// converted; nil when the directory has neither. Its ids must fit the model.
    static func tokenizerData(_ dir: URL, vocabularySize: Int) throws -> Data? {
        let fm = FileManager.default
        let json = dir.appendingPathComponent("tokenizer.json")
        if fm.fileExists(atPath: json.path) {
            let tok = try Tokenizer(contentsOf: json)
            try TokenCodecLoader.ensureFits(tok, spec: json.path, vocabularySize: vocabularySize)
            return try Data(contentsOf: json)
        }
        let vocab = dir.appendingPathComponent("vocab.json"), merges = dir.appendingPathComponent("merges.txt")
        guard fm.fileExists(atPath: vocab.path) else { return nil }
        guard fm.fileExists(atPath: merges.path) else {
            throw AIGCError.input(location: dir.path, message: "has vocab.json but no merges.txt")
        }
        // GPT-2's files under the names the loader knows (encoder.json, vocab.bpe), in a scratch directory.
        let tmp = fm.temporaryDirectory.appendingPathComponent("aigc-import-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        try fm.copyItem(at: vocab, to: tmp.appendingPathComponent("encoder.json"))
        try fm.copyItem(at: merges, to: tmp.appendingPathComponent("vocab.bpe"))
        let tok = try Tokenizer(contentsOf: tmp.appendingPathComponent("encoder.json"))
        // The loader adds GPT-2's <|endoftext|> after the vocabulary when vocab.json has none: drop it when it
        // would not fit the model.
        var t = tok
        if t.vocabularySize > vocabularySize, t.specialTokens.count == 1, t.specialTokens["<|endoftext|>"] == UInt32(vocabularySize) {
            t = try t.withSpecialTokens([:] as [String: UInt32])
        }
        try TokenCodecLoader.ensureFits(t, spec: vocab.path, vocabularySize: vocabularySize)
        let out = tmp.appendingPathComponent("tokenizer.json")
        try t.save(tokenizerJSON: out)
        return try Data(contentsOf: out)
    }
}
