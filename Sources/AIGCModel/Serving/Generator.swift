import AIGCCore

/// Text generation for one prompt with a KV cache and OpenAI sampling semantics, synchronously on the calling
/// thread (the CLI's `aigc generate`). The prompt is fed once and its cache copied to the `n` completions, which
/// then decode together as the rows of one `BatchedDecoder`; completion i samples with its own generator seeded
/// from (seed, i). A server uses `InferenceEngine`, which drives the same `ChoiceDecoder`s across requests.
public final class Generator {
    public let model: GPTModel
    /// Precision of the linear layers' weights (`WeightPrecision`).
    public let weights: WeightPrecision
    let bf16: BF16Weights?

    /// A generator; bf16 weights are packed here, once for all `generate` calls.
    public init(model: GPTModel, weights: WeightPrecision = .fp32) throws {
        self.model = model
        self.weights = weights
        bf16 = weights == .bf16 ? try BF16Weights(model: model) : nil
    }

    /// Generates from prompt ids. `onDelta(index, bytes)` receives text as it becomes final (held back while it
    /// could still be the start of a stop sequence, and until it is complete UTF-8).
    public func generate(prompt: [Int32], parameters: SamplingParameters, codec: (any TokenCodec)?,
                         onDelta: ((Int, [UInt8]) -> Void)? = nil) throws -> [Completion] {
        try parameters.validate()
        try Self.checkPrompt(prompt, model: model)
        let n = parameters.n
        let steps = max(prompt.count, n)
        try BatchedDecoder.checkMemory(BatchedDecoder.memoryBytes(config: model.config, slots: n, maxStepTokens: steps), config: model.config, slots: n)
        let dec = try BatchedDecoder(model: model, cache: KVCache(config: model.config, slots: n, bf16: bf16 != nil), maxStepTokens: steps, bf16: bf16)
        try dec.step([.init(slot: 0, tokens: prompt)])
        for i in 1..<max(1, n) { dec.copy(slot: 0, to: i) }
        var choices = (0..<n).map {
            ChoiceDecoder(index: $0, seedIndex: $0, parameters: parameters, promptCount: prompt.count, context: model.config.blockSize)
        }
        var next = [Int32?](repeating: nil, count: n)
        for i in 0..<n {
            let (t, delta) = choices[i].advance(dec.logits(0), codec: codec)
            next[i] = t
            if !delta.isEmpty { onDelta?(i, delta) }
        }
        while true {
            let live = (0..<n).filter { next[$0] != nil }
            if live.isEmpty { break }
            try dec.step(live.map { .init(slot: $0, tokens: [next[$0] ?? 0]) })
            for (r, i) in live.enumerated() {
                let (t, delta) = choices[i].advance(dec.logits(r), codec: codec)
                next[i] = t
                if !delta.isEmpty { onDelta?(i, delta) }
            }
        }
        return choices.map(\.completion)
    }

    /// Throws unless `prompt` is non-empty, fits the context and holds only ids of the model's vocabulary.
    public static func checkPrompt(_ prompt: [Int32], model: GPTModel) throws {
        guard !prompt.isEmpty else { throw AIGCError.usage("the prompt must have at least one token") }
        let block = model.config.blockSize, V = model.config.vocabSize
        guard prompt.count <= block else {
            throw AIGCError.usage("prompt of \(prompt.count) tokens exceeds the context of \(block)")
        }
        if let k = prompt.firstIndex(where: { $0 < 0 || Int($0) >= V }) {
            throw AIGCError.usage("prompt token \(k): id \(prompt[k]) is outside the model's vocabulary of \(V) (wrong tokenizer?)")
        }
    }
}
