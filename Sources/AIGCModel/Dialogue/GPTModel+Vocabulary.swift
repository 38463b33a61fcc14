import AIGCCore

extension GPTModel {
    /// A copy of this model with `vocabSize` token embeddings (≥ the current size). Existing rows are kept; each
    /// new row (e.g. the corpus's `<|im_start|>`/`<|im_end|>`, or a discriminator's label tokens) starts at the
    /// mean of the existing embeddings plus N(0, 0.02²) noise: the mean keeps the new tokens' logits at a typical
    /// level under the tied LM head (Hewitt 2021), the noise makes them distinguishable. Deterministic in `seed`.
    public func withVocabulary(_ vocabSize: Int, seed: UInt64) throws -> GPTModel {
        guard vocabSize >= config.vocabSize else {
            throw AIGCError.usage("cannot shrink the vocabulary from \(config.vocabSize) to \(vocabSize)")
        }
        var c = config
        c.vocabSize = vocabSize
        let out = try GPTModel(uninitialized: c)
        let C = config.nEmbd
        for t in layout.tensors {
            guard let dst = out.layout.tensor(named: t.name) else { continue }
            (out.params.pointer + dst.offset).update(from: params.pointer + t.offset, count: t.count)
        }
        if vocabSize > config.vocabSize {
            var mean = [Double](repeating: 0, count: C)
            let wte = params.pointer + layout.wte
            for v in 0..<config.vocabSize { for j in 0..<C { mean[j] += Double(wte[v * C + j]) } }
            var rng = Xoshiro256(seed: seed)
            let dst = out.params.pointer + out.layout.wte
            for v in config.vocabSize..<vocabSize {
                for j in 0..<C { dst[v * C + j] = Float(mean[j] / Double(config.vocabSize) + 0.02 * rng.nextNormal()) }
            }
        }
        return out
    }

    /// An independent copy (same config and parameters).
    public func copy() throws -> GPTModel {
        let m = try GPTModel(uninitialized: config)
        m.params.copy(from: params)
        return m
    }
}
