import AIGCCore
import AIGCFormats
import Foundation

/// A GPT-2 model: its configuration and all parameters in one flat buffer laid out by `ParameterLayout`.
public final class GPTModel: @unchecked Sendable {
    public let config: GPTConfig
    public let layout: ParameterLayout
    public let params: FloatBuffer

    /// A model with GPT-2's initialisation: N(0, 0.02) weights and embeddings, zero biases, LayerNorm weight 1,
    /// and N(0, 0.02/√(2·n_layer)) for the two residual output projections of each block.
    public init(config: GPTConfig, seed: UInt64) throws {
        try config.validate()
        try OpenBLASRuntime.load()
        self.config = config
        layout = ParameterLayout(config)
        params = FloatBuffer(hugePagesCount: layout.count)
        var rng = Xoshiro256(seed: seed)
        let residualStd = 0.02 / (2 * Double(config.nLayer)).squareRoot()
        for t in layout.tensors {
            let p = params.pointer + t.offset
            if t.name.hasSuffix("ln_1.weight") || t.name.hasSuffix("ln_2.weight") || t.name == "ln_f.weight" {
                for i in 0..<t.count { p[i] = 1 }
            } else if t.shape.count >= 2 {
                let std = t.name.hasSuffix("c_proj.weight") || t.name.hasSuffix("mlp_proj.weight") ? residualStd : 0.02
                for i in 0..<t.count { p[i] = Float(rng.nextNormal() * std) }
            }
        }
    }

    /// A model with all parameters zero (to be filled by a loader).
    package init(uninitialized config: GPTConfig) throws {
        try config.validate()
        try OpenBLASRuntime.load()
        self.config = config
        layout = ParameterLayout(config)
        params = FloatBuffer(hugePagesCount: layout.count)
    }

    public var parameterCount: Int { layout.count }

    /// The parameter tensor `name` as an array (for tests and export).
    public func parameter(_ name: String) -> [Float]? {
        guard let t = layout.tensor(named: name) else { return nil }
        return Array(UnsafeBufferPointer(start: params.pointer + t.offset, count: t.count))
    }

    /// Writes `model.safetensors` (parameters under the reference model's names, F32) atomically.
    @discardableResult
    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws -> String {
        try Self.writeTensors(params, layout: layout, prefix: "", to: url, metadata: metadata)
    }

    @discardableResult
    package static func writeTensors(_ buf: FloatBuffer, layout: ParameterLayout, prefix: String, to url: URL,
                                     metadata: [String: String]) throws -> String {
        var w = SafeTensorsWriter(metadata: metadata)
        for t in layout.tensors {
            try w.add(prefix + t.name, dtype: .f32, shape: t.shape,
                      raw: UnsafeRawBufferPointer(start: buf.pointer + t.offset, count: t.count * 4))
        }
        return try w.write(to: url)
    }

    /// Fills `buf` from a safetensors file with one tensor per parameter (names `prefix + name`), checking
    /// that every tensor is present with the right shape and that there are no unknown ones.
    package static func readTensors(into buf: FloatBuffer, layout: ParameterLayout, prefix: String,
                                    from file: SafeTensorsFile) throws {
        var expected = Set<String>()
        for t in layout.tensors {
            let name = prefix + t.name
            expected.insert(name)
            guard file.contains(name) else {
                throw AIGCError.input(location: file.path, message: "missing tensor '\(name)'")
            }
            let shape = try file.shape(name)
            guard shape == t.shape else {
                throw AIGCError.input(location: file.path, message: "tensor '\(name)' has shape \(shape), the config needs \(t.shape)")
            }
            let values = try file.floats(name)
            // NaN or infinity in a weight poisons every output (generation emits one token forever): refused here,
            // where every model, optimizer state and checkpoint is read.
            if let k = values.firstIndex(where: { !$0.isFinite }) {
                throw AIGCError.input(location: file.path, message: "tensor '\(name)' has a non-finite value (\(values[k])) at element \(k)")
            }
            values.withUnsafeBufferPointer { (buf.pointer + t.offset).update(from: $0.baseAddress!, count: t.count) }
        }
        if let extra = file.names.first(where: { $0.hasPrefix(prefix) && !expected.contains($0) }) {
            throw AIGCError.input(location: file.path, message: "unexpected tensor '\(extra)' for this config")
        }
    }

    /// Loads a model directory written by `aigc pretrain` (`config.json` + `model.safetensors`).
    public static func load(directory: URL) throws -> GPTModel {
        let config = try GPTConfig.load(directory.appendingPathComponent("config.json"))
        let model = try GPTModel(uninitialized: config)
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
        try readTensors(into: model.params, layout: model.layout, prefix: "", from: file)
        return model
    }

    /// Writes `config.json` and `model.safetensors` into `directory` (each atomically); returns the weights' SHA-256.
    @discardableResult
    public func save(directory: URL) throws -> String {
        try AtomicFile.write(config.jsonData(), to: directory.appendingPathComponent("config.json"))
        return try saveWeights(to: directory.appendingPathComponent("model.safetensors"), metadata: ["format": "aigc-gpt2"])
    }
}
