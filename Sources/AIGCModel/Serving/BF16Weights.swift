import AIGCCore
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

    package init(model: GPTModel) throws {
        let p = UnsafePointer(model.params.pointer), lay = model.layout, C = model.config.nEmbd, V = model.config.vocabSize
        // All matrices in one arena on huge pages (see `HugePageMemory`): every decode step streams all of them, and
        // one allocation per matrix would round each up to a whole 2 MiB page. Each matrix starts 64-byte aligned.
        func slot(_ c: Int, _ oc: Int) -> Int { (BF16Matrix.packedCount(C: c, OC: oc) + 31) & ~31 }
        let perLayer = slot(C, 3 * C) + slot(C, C) + slot(C, 4 * C) + slot(4 * C, C)
        let total = perLayer * lay.blocks.count + slot(C, V)
        guard let arena = HugePageMemory(bytes: total * 2) else {
            throw AIGCError.usage("cannot allocate \(total * 2) bytes for the model's bf16 weights (out of memory?)")
        }
        var next = arena.raw.bindMemory(to: UInt16.self, capacity: total)
        func pack(_ w: UnsafePointer<Float>, _ c: Int, _ oc: Int) -> BF16Matrix {
            defer { next += slot(c, oc) }
            return BF16Matrix(weight: w, C: c, OC: oc, destination: next, arena: arena)
        }
        layers = lay.blocks.map { w in
            Layer(attn: pack(p + w.attnW, C, 3 * C), proj: pack(p + w.projW, C, C), fc: pack(p + w.fcW, C, 4 * C),
                  fcProj: pack(p + w.fcProjW, 4 * C, C))
        }
        lmHead = pack(p + lay.wte, C, V)
    }

    /// Bytes of the packed copies.
    package var bytes: Int { layers.reduce(lmHead.bytes) { $0 + $1.attn.bytes + $1.proj.bytes + $1.fc.bytes + $1.fcProj.bytes } }
}
