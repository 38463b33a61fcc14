import AIGCCore
import Foundation

/// GPT-2 hyper-parameters. The architecture is fixed (GPT-2 exactly: learned positions, pre-LayerNorm with eps
/// 1e-5, fused q/k/v, tanh-GELU, 4× MLP, tied LM head, biases everywhere); these are the sizes.
public struct GPTConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var nLayer: Int
    public var nHead: Int
    public var nEmbd: Int
    /// Context length: the number of learned positions.
    public var blockSize: Int
    /// Dropout probability on embeddings, attention probabilities and both residual branches (training only).
    public var dropout: Float

    public init(vocabSize: Int, nLayer: Int, nHead: Int, nEmbd: Int, blockSize: Int, dropout: Float = 0) {
        self.vocabSize = vocabSize
        self.nLayer = nLayer
        self.nHead = nHead
        self.nEmbd = nEmbd
        self.blockSize = blockSize
        self.dropout = dropout
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", nLayer = "n_layer", nHead = "n_head", nEmbd = "n_embd"
        case blockSize = "block_size", dropout
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        nLayer = try c.decode(Int.self, forKey: .nLayer)
        nHead = try c.decode(Int.self, forKey: .nHead)
        nEmbd = try c.decode(Int.self, forKey: .nEmbd)
        blockSize = try c.decode(Int.self, forKey: .blockSize)
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? 0
    }

    public var headSize: Int { nEmbd / nHead }

    /// Checks the sizes; `location` names the file or option the config came from.
    public func validate(location: String = "config") throws {
        func bad(_ m: String) -> AIGCError { .input(location: location, message: m) }
        guard vocabSize >= 1 && vocabSize <= 1 << 24 else { throw bad("vocab_size \(vocabSize) must be in 1...16777216") }
        guard nLayer >= 1 && nLayer <= 256 else { throw bad("n_layer \(nLayer) must be in 1...256") }
        guard nHead >= 1 && nEmbd >= 1 && nEmbd <= 1 << 16 else { throw bad("n_head \(nHead) and n_embd \(nEmbd) must be positive (n_embd ≤ 65536)") }
        guard nEmbd % nHead == 0 else { throw bad("n_embd \(nEmbd) is not divisible by n_head \(nHead)") }
        guard blockSize >= 1 && blockSize <= 1 << 16 else { throw bad("block_size \(blockSize) must be in 1...65536") }
        guard dropout >= 0 && dropout < 1 else { throw bad("dropout \(dropout) must be in [0, 1)") }
        let n = ParameterLayout(self).count
        guard n < 1 << 31 else { throw bad("model of \(n) parameters is too large (limit 2^31)") }
    }

    /// Reads and validates `config.json`.
    public static func load(_ url: URL) throws -> GPTConfig {
        let c = try FileContents.decodeJSON(GPTConfig.self, from: url, what: "a model config")
        try c.validate(location: url.path)
        return c
    }

    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? e.encode(self)) ?? Data()
    }
}
