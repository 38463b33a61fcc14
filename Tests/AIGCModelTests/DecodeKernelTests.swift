import Foundation
import Testing
import AIGCModel

/// The decode step's kernels (`Kernels.decodeMatmul`, `geluInPlace`) against the loop-only references, and the
/// property the serving engine relies on: a row's result is bit-for-bit the same whatever the other rows.
@Suite struct DecodeKernelTests {
    typealias R = TestSupport

    static func decodeMatmul(_ inp: [Float], _ w: [Float], _ b: [Float]?, rows: Int, C: Int, OC: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * OC)
        if let b {
            Kernels.decodeMatmul(out: &out, inp: inp, weight: w, bias: b, rows: rows, C: C, OC: OC)
        } else {
            Kernels.decodeMatmul(out: &out, inp: inp, weight: w, bias: nil, rows: rows, C: C, OC: OC)
        }
        return out
    }

    /// Shapes cover full and partial 16-float chunks of the input, full and partial groups of 4 outputs and of
    /// 4 rows, and the model's real widths.
    @Test(arguments: [(1, 16, 4), (3, 17, 5), (4, 33, 8), (7, 12, 10), (16, 384, 1152), (5, 1536, 384), (2, 384, 65)])
    func matchesNaiveMatmul(shape: (Int, Int, Int)) {
        let (rows, C, OC) = shape
        let inp = R.randoms(rows * C, seed: 21), w = R.randoms(OC * C, seed: 22, scale: 0.3), b = R.randoms(OC, seed: 23)
        let tol: Float = 2e-6 * Float(C).squareRoot() * 4
        #expect(R.maxAbsDiff(Self.decodeMatmul(inp, w, b, rows: rows, C: C, OC: OC), NaiveKernels.matmulForward(inp, w, b, N: rows, C: C, OC: OC)) < tol)
        #expect(R.maxAbsDiff(Self.decodeMatmul(inp, w, nil, rows: rows, C: C, OC: OC), NaiveKernels.matmulForward(inp, w, nil, N: rows, C: C, OC: OC)) < tol)
    }

    @Test func rowsAreBatchInvariantBitForBit() {
        let C = 45, OC = 11
        let w = R.randoms(OC * C, seed: 24, scale: 0.3), b = R.randoms(OC, seed: 25)
        let x = R.randoms(C, seed: 26)
        let alone = Self.decodeMatmul(x, w, b, rows: 1, C: C, OC: OC)
        for rows in [2, 3, 4, 5, 8, 13, 16, 17] {
            let others = R.randoms(rows * C, seed: UInt64(100 + rows))
            for at in Set([0, rows / 2, rows - 1]) {
                var inp = others
                inp.replaceSubrange((at * C)..<((at + 1) * C), with: x)
                let out = Self.decodeMatmul(inp, w, b, rows: rows, C: C, OC: OC)
                #expect(Array(out[(at * OC)..<((at + 1) * OC)]) == alone, "row \(at) of \(rows)")
            }
        }
    }

    @Test func geluInPlaceMatchesTheFormula() {
        var x: [Float] = (0..<203).map { Float($0 - 101) * 0.09 } + [-30, 30, 1e-6, -1e-6, 0, 0.05, -0.099, 95, -95]
        let ref = x.map(NaiveKernels.gelu)
        Kernels.geluInPlace(&x, count: x.count)
        for i in x.indices { #expect(abs(x[i] - ref[i]) <= 2e-6 * max(1, abs(ref[i])), "gelu: \(x[i]) vs \(ref[i])") }
    }

    /// A whole batched decode step (prompt blocks through sgemm, decode rows and the LM head through the decode
    /// kernel) equals the full forward pass of the training engine, for two sequences decoded side by side.
    @Test func batchedDecoderEqualsFullRecomputation() throws {
        let config = GPTConfig(vocabSize: 13, nLayer: 2, nHead: 2, nEmbd: 40, blockSize: 8)
        let model = try GPTModel(config: config, seed: 6)
        let a: [Int32] = [1, 4, 9, 3, 12, 0, 7, 2], b: [Int32] = [5, 5, 2, 11, 8, 6, 1, 0]
        let engine = GPTEngine(model: model, batchSize: 2, time: 8, shards: 1, threads: 1, training: false)
        let full = engine.logits(TokenBatch(batch: 2, time: 8, inputs: a + b))
        let dec = try BatchedDecoder(model: model, slots: 2)
        try dec.step([.init(slot: 0, tokens: Array(a[0..<3])), .init(slot: 1, tokens: Array(b[0..<2]))])
        #expect(R.maxAbsDiff(Array(dec.logits(0)), Array(full[(2 * 13)..<(3 * 13)])) < 1e-5)
        #expect(R.maxAbsDiff(Array(dec.logits(1)), Array(full[((8 + 1) * 13)..<((8 + 2) * 13)])) < 1e-5)
        try dec.step([.init(slot: 1, tokens: [b[2]])])  // slot 1 catches up to position 3
        for t in 3..<8 {
            try dec.step([.init(slot: 0, tokens: [a[t]]), .init(slot: 1, tokens: [b[t]])])
            #expect(R.maxAbsDiff(Array(dec.logits(0)), Array(full[(t * 13)..<((t + 1) * 13)])) < 1e-5, "a at \(t)")
            #expect(R.maxAbsDiff(Array(dec.logits(1)), Array(full[((8 + t) * 13)..<((8 + t + 1) * 13)])) < 1e-5, "b at \(t)")
        }
    }
}
