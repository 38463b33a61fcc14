import AIGCCore
import AIGCFormats
import Foundation

/// A training checkpoint directory: `config.json`, `model.safetensors`, `optimizer.safetensors` (AdamW moments
/// `m.<name>`/`v.<name>`, step in the metadata) and `train_state.json` (next iteration, RNG state, options, and
/// the SHA-256 of both tensor files). Each file is written atomically and `train_state.json` last, so a crash
/// mid-save leaves a state whose hashes do not match, which `load` reports instead of resuming from a mix.
public struct TrainingCheckpoint: Sendable {
    public struct State: Codable, Sendable {
        /// The iteration the resumed run starts with (its evaluation has already been done and logged).
        public var iter: Int
        /// Xoshiro256 state as decimal strings (JSON numbers cannot hold 64-bit integers exactly).
        public var rng: [String]
        public var optimizerStep: Int
        public var modelSHA256: String
        public var optimizerSHA256: String
        public var options: TrainingOptions
        public var bestValLoss: Double?

        enum CodingKeys: String, CodingKey {
            case iter, rng, options
            case optimizerStep = "optimizer_step", modelSHA256 = "model_sha256", optimizerSHA256 = "optimizer_sha256"
            case bestValLoss = "best_val_loss"
        }
    }

    public static func save(directory: URL, model: GPTModel, optimizer: AdamW, iter: Int, rng: Xoshiro256,
                            options: TrainingOptions, bestValLoss: Double?) throws {
        let modelHash = try model.save(directory: directory)
        var w = SafeTensorsWriter(metadata: ["step": String(optimizer.step), "format": "aigc-adamw"])
        for (prefix, buf) in [("m.", optimizer.m), ("v.", optimizer.v)] {
            for t in model.layout.tensors {
                try w.add(prefix + t.name, dtype: .f32, shape: t.shape,
                          raw: UnsafeRawBufferPointer(start: buf.pointer + t.offset, count: t.count * 4))
            }
        }
        let optHash = try w.write(to: directory.appendingPathComponent("optimizer.safetensors"))
        let state = State(iter: iter, rng: rng.stateArray.map { String($0) }, optimizerStep: optimizer.step,
                          modelSHA256: modelHash, optimizerSHA256: optHash, options: options, bestValLoss: bestValLoss)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try e.encode(state), to: directory.appendingPathComponent("train_state.json"))
    }

    /// Loads a checkpoint into a new model and optimizer, verifying the tensor files against the state's hashes.
    public static func load(directory: URL) throws -> (model: GPTModel, optimizer: AdamW, state: State, rng: Xoshiro256) {
        let stateURL = directory.appendingPathComponent("train_state.json")
        let state = try FileContents.decodeJSON(State.self, from: stateURL, what: "a training state",
                                                hint: "; is \(directory.path) a training directory?")
        let rngWords = state.rng.compactMap(UInt64.init)
        guard rngWords.count == 4 else { throw AIGCError.input(location: stateURL.path, message: "'rng' must hold 4 unsigned 64-bit integers") }
        for (name, hash) in [("model.safetensors", state.modelSHA256), ("optimizer.safetensors", state.optimizerSHA256)] {
            let url = directory.appendingPathComponent(name)
            let bytes = try FileContents.read(url)
            guard SHA256.hash(bytes) == hash else {
                throw AIGCError.input(location: url.path, message: "SHA-256 does not match train_state.json (interrupted save or edited file)")
            }
        }
        let model = try GPTModel.load(directory: directory)
        let o = state.options
        let opt = AdamW(layout: model.layout, beta1: Float(o.beta1), beta2: Float(o.beta2), eps: 1e-8, weightDecay: Float(o.weightDecay))
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("optimizer.safetensors"))
        try GPTModel.readTensors(into: opt.m, layout: model.layout, prefix: "m.", from: file)
        try GPTModel.readTensors(into: opt.v, layout: model.layout, prefix: "v.", from: file)
        opt.step = state.optimizerStep
        return (model, opt, state, Xoshiro256(state: rngWords))
    }
}
