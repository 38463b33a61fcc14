/// A model's linear-layer weights rounded to bf16 and packed once (`WeightPrecision.bf16`): per layer the attention
/// (`[3C, C]`), projection, MLP and MLP projection matrices, and the LM head (the tied token embedding `[V, C]`).
/// Shared by every `BatchedDecoder` of one engine (they only read it). A copy of the weights at the time it was
/// made: serving only.
package final class BF16Weights: Sendable {
    package struct Layer: Sendable {
        package let attn, proj, fc, fcProj: BF16Matrix
    }

    package let layers: [Layer]
    package let lmHead: BF16Matrix

    package init(model: GPTModel) {
        let p = UnsafePointer(model.params.pointer), lay = model.layout, C = model.config.nEmbd
        layers = lay.blocks.map { w in
            Layer(attn: BF16Matrix(weight: p + w.attnW, C: C, OC: 3 * C), proj: BF16Matrix(weight: p + w.projW, C: C, OC: C),
                  fc: BF16Matrix(weight: p + w.fcW, C: C, OC: 4 * C), fcProj: BF16Matrix(weight: p + w.fcProjW, C: 4 * C, OC: C))
        }
        lmHead = BF16Matrix(weight: p + lay.wte, C: C, OC: model.config.vocabSize)
    }

    /// Bytes of the packed copies.
    package var bytes: Int { layers.reduce(lmHead.bytes) { $0 + $1.attn.bytes + $1.proj.bytes + $1.fc.bytes + $1.fcProj.bytes } }
}
