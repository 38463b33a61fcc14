import Foundation
import Testing
import AIGCModel

/// `Kernels.linearBF16` (bf16 weights and activations, fp32 accumulation): bit-for-bit equal to its spelled-out
/// arithmetic (`NaiveKernels.matmulBF16`) whichever implementation this CPU runs, batch-invariant bit for bit, and
/// within bf16's rounding bound of the exact product.
@Suite struct BF16KernelTests {
    typealias R = TestSupport

    static func linear(_ inp: [Float], _ w: [Float], _ b: [Float]?, rows: Int, C: Int, OC: Int, portable: Bool = false) -> [Float] {
        let f = portable ? Kernels.linearBF16Portable : Kernels.linearBF16
        let packed = w.withUnsafeBufferPointer { BF16Matrix(weight: $0.baseAddress!, C: C, OC: OC) }
        var scratch = [UInt16](repeating: 0xFFFF, count: BF16Matrix.scratchCount(rows: rows, C: C))
        var out = [Float](repeating: .nan, count: rows * OC)
        inp.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    if let b {
                        b.withUnsafeBufferPointer { bb in
                            f(o.baseAddress!, x.baseAddress!, packed, bb.baseAddress!, rows, s.baseAddress!)
                        }
                    } else {
                        f(o.baseAddress!, x.baseAddress!, packed, nil, rows, s.baseAddress!)
                    }
                }
            }
        }
        return out
    }

    static func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

    /// Odd and even widths, partial 16-column blocks and 96-column groups, every row-tile shape (1–8 rows, 4 and
    /// more, several tiles), and the model's real widths.
    @Test(arguments: [(1, 16, 4), (3, 17, 5), (4, 33, 8), (5, 12, 10), (7, 2, 97), (8, 1, 16), (9, 385, 97),
                      (13, 40, 200), (16, 384, 1152), (5, 1536, 384), (2, 384, 65), (1, 384, 1536), (100, 64, 192)])
    func equalsItsArithmeticBitForBit(shape: (Int, Int, Int)) {
        let (rows, C, OC) = shape
        let inp = R.randoms(rows * C, seed: 31), w = R.randoms(OC * C, seed: 32, scale: 0.3), b = R.randoms(OC, seed: 33)
        #expect(Self.bits(Self.linear(inp, w, b, rows: rows, C: C, OC: OC)) == Self.bits(NaiveKernels.matmulBF16(inp, w, b, N: rows, C: C, OC: OC)))
        #expect(Self.bits(Self.linear(inp, w, nil, rows: rows, C: C, OC: OC)) == Self.bits(NaiveKernels.matmulBF16(inp, w, nil, N: rows, C: C, OC: OC)))
        // The portable loops (CPUs without AVX512-BF16) give the same bits as whatever this CPU runs.
        #expect(Self.bits(Self.linear(inp, w, b, rows: rows, C: C, OC: OC, portable: true)) == Self.bits(Self.linear(inp, w, b, rows: rows, C: C, OC: OC)))
    }

    /// Tiny magnitudes, where every fused add's result is flushed when subnormal, and values whose bf16 rounding
    /// ties (kept even), underflows to zero or stays NaN.
    @Test func subnormalsTiesAndSpecialValues() {
        let C = 24, OC = 20, rows = 3
        var inp = R.randoms(rows * C, seed: 41).map { $0 * 1e-19 }, w = R.randoms(OC * C, seed: 42).map { $0 * 1e-19 }
        inp[0] = Float(bitPattern: 0x3F80_8000)  // 1 + 2^-8: a tie, rounds to 1 (even)
        inp[1] = Float(bitPattern: 0x3F81_8000)  // a tie that rounds up to the even 0x3F82
        inp[2] = Float(bitPattern: 0x0000_1234)  // subnormal: becomes zero
        #expect(Self.bits(Self.linear(inp, w, nil, rows: rows, C: C, OC: OC)) == Self.bits(NaiveKernels.matmulBF16(inp, w, nil, N: rows, C: C, OC: OC)))
        #expect(Self.bits(Self.linear(inp, w, nil, rows: rows, C: C, OC: OC, portable: true)) == Self.bits(Self.linear(inp, w, nil, rows: rows, C: C, OC: OC)))
        #expect(NaiveKernels.bf16(Float(bitPattern: 0x3F80_8000)).bitPattern == 0x3F80_0000)
        #expect(NaiveKernels.bf16(Float(bitPattern: 0x3F81_8000)).bitPattern == 0x3F82_0000)
        #expect(NaiveKernels.bf16(Float(bitPattern: 0x8000_1234)).bitPattern == 0x8000_0000)
        #expect(NaiveKernels.bf16(.nan).isNaN && NaiveKernels.bf16(.infinity) == .infinity)
        #expect(NaiveKernels.bf16(Float(bitPattern: 0x7F7F_FFFF)) == .infinity)  // rounds past the largest bf16
    }

    @Test func rowsAreBatchInvariantBitForBit() {
        let C = 45, OC = 110
        let w = R.randoms(OC * C, seed: 44, scale: 0.3), b = R.randoms(OC, seed: 45)
        let x = R.randoms(C, seed: 46)
        let alone = Self.bits(Self.linear(x, w, b, rows: 1, C: C, OC: OC))
        for rows in [2, 3, 4, 5, 8, 9, 13, 16, 17, 40] {
            let others = R.randoms(rows * C, seed: UInt64(200 + rows))
            for at in Set([0, rows / 2, rows - 1]) {
                var inp = others
                inp.replaceSubrange((at * C)..<((at + 1) * C), with: x)
                let out = Self.bits(Self.linear(inp, w, b, rows: rows, C: C, OC: OC))
                #expect(Array(out[(at * OC)..<((at + 1) * OC)]) == alone, "row \(at) of \(rows)")
            }
        }
    }

    /// Against the exact product: each factor is off by at most 2^-9 of itself, so an output is within
    /// 2^-7.9·Σ|x·w| plus the fp32 accumulation error.
    @Test func withinBF16RoundingOfTheExactProduct() {
        let rows = 6, C = 384, OC = 96
        let inp = R.randoms(rows * C, seed: 51), w = R.randoms(OC * C, seed: 52, scale: 0.3)
        let got = Self.linear(inp, w, nil, rows: rows, C: C, OC: OC)
        for r in 0..<rows {
            for o in 0..<OC {
                var exact = 0.0, mag = 0.0
                for k in 0..<C {
                    exact += Double(inp[r * C + k]) * Double(w[o * C + k])
                    mag += abs(Double(inp[r * C + k]) * Double(w[o * C + k]))
                }
                let bound = mag * (2.0 / 512 + 1.0 / 512 / 512) + mag * Double(C) * 6e-8
                #expect(abs(Double(got[r * OC + o]) - exact) <= bound, "row \(r) col \(o)")
            }
        }
    }

    /// Decode attention over a bf16 cache equals the fp32 kernel on the widened rows bit for bit (head sizes that
    /// are and are not a multiple of 16).
    @Test(arguments: [(384, 6, 133), (40, 5, 7), (64, 4, 1), (32, 2, 40)])
    func decodeAttentionOverABF16CacheEqualsTheWidenedRows(shape: (Int, Int, Int)) {
        let (C, NH, len) = shape
        let q = R.randoms(C, seed: 61), kf = R.randoms(len * C, seed: 62), vf = R.randoms(len * C, seed: 63)
        var kb = [UInt16](repeating: 0, count: len * C), vb = kb
        var kw = [Float](repeating: 0, count: len * C), vw = kw
        kb.withUnsafeMutableBufferPointer { Kernels.roundBF16($0.baseAddress!, from: kf, count: len * C) }
        vb.withUnsafeMutableBufferPointer { Kernels.roundBF16($0.baseAddress!, from: vf, count: len * C) }
        kw.withUnsafeMutableBufferPointer { Kernels.widenBF16($0.baseAddress!, from: kb, count: len * C) }
        vw.withUnsafeMutableBufferPointer { Kernels.widenBF16($0.baseAddress!, from: vb, count: len * C) }
        #expect(kw == kf.map(NaiveKernels.bf16) && vw == vf.map(NaiveKernels.bf16))
        var scratch = [Float](repeating: 0, count: NH * len + 2 * len * C)
        var a = [Float](repeating: .nan, count: C), b = a
        Kernels.decodeAttentionBF16(out: &a, q: q, k: kb, v: vb, len: len, C: C, NH: NH, scratch: &scratch)
        Kernels.decodeAttention(out: &b, q: q, k: kw, v: vw, len: len, C: C, NH: NH, scores: &scratch)
        #expect(Self.bits(a) == Self.bits(b))
    }

    @Test func reportsItsImplementation() {
        // Either implementation computes the same bits (the tests above); this only records which one ran.
        let features = CPUInfo.current.features
        #expect(Kernels.bf16UsesAVX512BF16 == features.contains(.avx512bf16))
    }
}
