/// Where each parameter tensor lives in the single flat parameter buffer (and, identically, in the gradient and
/// optimizer-moment buffers). Names and order are PyTorch's `named_parameters()` of the reference model
/// (`wte.weight`, `wpe.weight`, `h.{i}.ln_1.weight`, …, `ln_f.bias`); linear weights are stored `[out, in]` as in
/// `torch.nn.Linear`, so checkpoints and golden files map one to one.
public struct ParameterLayout: Sendable {
    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// AdamW decays 2-D tensors (matrices and embeddings) only.
        public var decays: Bool { shape.count >= 2 }
    }

    /// Offsets of one block's tensors.
    public struct Block: Sendable {
        public var ln1w = 0, ln1b = 0, attnW = 0, attnB = 0, projW = 0, projB = 0
        public var ln2w = 0, ln2b = 0, fcW = 0, fcB = 0, fcProjW = 0, fcProjB = 0
    }

    public let tensors: [Tensor]
    public let count: Int
    public let wte: Int, wpe: Int, lnfw: Int, lnfb: Int
    public let blocks: [Block]

    public init(_ c: GPTConfig) {
        let C = c.nEmbd
        var ts: [Tensor] = []
        var off = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            let o = off
            ts.append(Tensor(name: name, shape: shape, offset: o))
            off += shape.reduce(1, *)
            return o
        }
        wte = add("wte.weight", [c.vocabSize, C])
        wpe = add("wpe.weight", [c.blockSize, C])
        var bs: [Block] = []
        for l in 0..<c.nLayer {
            var b = Block()
            let p = "h.\(l)."
            b.ln1w = add(p + "ln_1.weight", [C]); b.ln1b = add(p + "ln_1.bias", [C])
            b.attnW = add(p + "c_attn.weight", [3 * C, C]); b.attnB = add(p + "c_attn.bias", [3 * C])
            b.projW = add(p + "c_proj.weight", [C, C]); b.projB = add(p + "c_proj.bias", [C])
            b.ln2w = add(p + "ln_2.weight", [C]); b.ln2b = add(p + "ln_2.bias", [C])
            b.fcW = add(p + "c_fc.weight", [4 * C, C]); b.fcB = add(p + "c_fc.bias", [4 * C])
            b.fcProjW = add(p + "mlp_proj.weight", [C, 4 * C]); b.fcProjB = add(p + "mlp_proj.bias", [C])
            bs.append(b)
        }
        blocks = bs
        lnfw = add("ln_f.weight", [C]); lnfb = add("ln_f.bias", [C])
        tensors = ts
        count = off
    }

    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }
}
