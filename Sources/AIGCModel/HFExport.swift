import AIGCCore
import AIGCFormats
import Foundation

/// Export to Hugging Face's GPT-2 layout, loadable with `GPT2LMHeadModel.from_pretrained(dir)`:
/// `config.json` (model_type gpt2, gelu_new = the tanh GELU, eps 1e-5, tied embeddings) and `model.safetensors`
/// with HF's names. HF's GPT-2 uses `Conv1D` layers that store weights `[in, out]`, so every linear weight is
/// transposed from our `[out, in]`; the LM head is tied to `wte` and not stored. A `tokenizer.json` in the model
/// directory is copied along.
public enum HFExport {
    public static func export(modelDirectory: URL, to out: URL) throws {
        let model = try GPTModel.load(directory: modelDirectory)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try export(model, to: out)
        let tok = modelDirectory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tok.path) {
            try AtomicFile.write(try Data(contentsOf: tok), to: out.appendingPathComponent("tokenizer.json"))
        }
    }

    /// HF's name of one of our tensors, without the `transformer.` prefix (`h.0.c_attn.weight` →
    /// `h.0.attn.c_attn.weight`). `HFImport` reads with the same mapping.
    package static func hfName(_ ours: String) -> String {
        ours.replacingOccurrences(of: ".c_attn.", with: ".attn.c_attn.")
            .replacingOccurrences(of: ".c_proj.", with: ".attn.c_proj.")
            .replacingOccurrences(of: ".c_fc.", with: ".mlp.c_fc.")
            .replacingOccurrences(of: ".mlp_proj.", with: ".mlp.c_proj.")
    }

    /// Whether HF stores the tensor transposed (`Conv1D` weights; not the embeddings).
    package static func isLinearWeight(_ t: ParameterLayout.Tensor) -> Bool {
        t.shape.count == 2 && !(t.name == "wte.weight" || t.name == "wpe.weight")
    }

    public static func export(_ model: GPTModel, to out: URL) throws {
        let c = model.config
        var w = SafeTensorsWriter(metadata: ["format": "pt"])
        let p = model.params.pointer
        for t in model.layout.tensors {
            let name = "transformer." + hfName(t.name)
            var values = Array(UnsafeBufferPointer(start: p + t.offset, count: t.count))
            var shape = t.shape
            if isLinearWeight(t) {
                let rows = t.shape[0], cols = t.shape[1]
                var tr = [Float](repeating: 0, count: values.count)
                for r in 0..<rows { for k in 0..<cols { tr[k * rows + r] = values[r * cols + k] } }
                values = tr
                shape = [cols, rows]
            }
            try w.add(name, floats: values, shape: shape)
        }
        try w.write(to: out.appendingPathComponent("model.safetensors"))
        let config: [String: Any] = [
            "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": c.vocabSize, "n_positions": c.blockSize,
            "n_ctx": c.blockSize, "n_embd": c.nEmbd, "n_layer": c.nLayer, "n_head": c.nHead, "activation_function": "gelu_new",
            "layer_norm_epsilon": 1e-5, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "initializer_range": 0.02,
            "scale_attn_weights": true, "tie_word_embeddings": true, "use_cache": true, "torch_dtype": "float32",
            // GPT2Config defaults these to 50256, outside small vocabularies.
            "bos_token_id": NSNull(), "eos_token_id": NSNull(),
        ]
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: out.appendingPathComponent("config.json"))
    }
}
