import AIGCCore

/// Incremental decoding with a KV cache: each call feeds the next tokens of `sequences` rows, stores their
/// keys and values, and returns the logits of each row's last new token. Earlier tokens are never recomputed.
public final class GPTInference: @unchecked Sendable {
    public let model: GPTModel
    public let sequences: Int
    public let maxTime: Int
    /// Tokens already in the cache (the same for every row).
    public private(set) var length = 0
    let kCache: FloatBuffer, vCache: FloatBuffer  // [L, S, maxT, C]
    let acts: FloatBuffer
    var x, ln, qkv, atty, tmp, fch, lnLast, logits, scratch, mean, rstd: Kernels.FP
    let maxNew: Int

    /// - Parameters:
    ///   - maxTime: the longest sequence to cache (default and cap: the block size).
    ///   - maxNew: the most tokens fed in one call (the prompt length; activations are sized for this).
    public init(model: GPTModel, sequences: Int, maxTime: Int? = nil, maxNew: Int? = nil) {
        self.model = model
        self.sequences = sequences
        let c = model.config
        self.maxTime = min(maxTime ?? c.blockSize, c.blockSize)
        self.maxNew = max(1, min(maxNew ?? self.maxTime, self.maxTime))
        let maxNew = self.maxNew
        let C = c.nEmbd, N = sequences * maxNew
        kCache = FloatBuffer(count: c.nLayer * sequences * self.maxTime * C)
        vCache = FloatBuffer(count: c.nLayer * sequences * self.maxTime * C)
        let total = N * C * 4 + N * 3 * C + N * 4 * C + sequences * C + sequences * c.vocabSize + maxNew * self.maxTime + 2 * N
        acts = FloatBuffer(count: total)
        var cur = acts.pointer
        func take(_ n: Int) -> Kernels.FP { defer { cur += n }; return cur }
        x = take(N * C); ln = take(N * C); atty = take(N * C); tmp = take(N * C); qkv = take(N * 3 * C); fch = take(N * 4 * C)
        lnLast = take(sequences * C); logits = take(sequences * c.vocabSize); scratch = take(maxNew * self.maxTime)
        mean = take(N); rstd = take(N)
    }

    public func reset() { length = 0 }

    /// Feeds `tokens` (`sequences × tNew`, row-major) and returns logits `[sequences, V]` for each row's last token.
    public func feed(_ tokens: [Int32], tNew: Int) throws -> [Float] {
        let c = model.config, C = c.nEmbd, V = c.vocabSize, S = sequences, NH = c.nHead
        guard tNew >= 1, tNew <= maxNew, tokens.count == S * tNew else {
            throw AIGCError.usage("feed: expected \(S)×\(tNew) tokens with \(tNew) ≤ \(maxNew)")
        }
        guard length + tNew <= maxTime else {
            throw AIGCError.usage("context full: \(length) + \(tNew) tokens exceed the block size \(maxTime)")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= V }) {
            throw AIGCError.input(location: "prompt", message: "token \(bad) is outside the vocabulary of \(V)")
        }
        let N = S * tNew, p = UnsafePointer(model.params.pointer), lay = model.layout
        let positions = (0..<N).map { Int32(length + $0 % tNew) }
        tokens.withUnsafeBufferPointer { tok in
            positions.withUnsafeBufferPointer { pos in
                Kernels.encoderForward(out: x, tokens: tok.baseAddress!, positions: pos.baseAddress!, wte: p + lay.wte,
                                       wpe: p + lay.wpe, N: N, C: C)
            }
        }
        for l in 0..<c.nLayer {
            let w = lay.blocks[l]
            let kc = kCache.pointer + l * S * maxTime * C, vc = vCache.pointer + l * S * maxTime * C
            Kernels.layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p + w.ln1w, bias: p + w.ln1b, N: N, C: C)
            Kernels.matmulForward(out: qkv, inp: ln, weight: p + w.attnW, bias: p + w.attnB, N: N, C: C, OC: 3 * C, profile: nil)
            for s in 0..<S {
                for i in 0..<tNew {
                    let src = qkv + (s * tNew + i) * 3 * C
                    (kc + (s * maxTime + length + i) * C).update(from: src + C, count: C)
                    (vc + (s * maxTime + length + i) * C).update(from: src + 2 * C, count: C)
                }
            }
            Kernels.cachedAttentionForward(out: atty, qkv: qkv, kCache: kc, vCache: vc, scratch: scratch, S: S, tNew: tNew,
                                           past: length, maxT: maxTime, C: C, NH: NH, profile: nil)
            Kernels.matmulForward(out: tmp, inp: atty, weight: p + w.projW, bias: p + w.projB, N: N, C: C, OC: C, profile: nil)
            for i in 0..<(N * C) { x[i] += tmp[i] }
            Kernels.layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p + w.ln2w, bias: p + w.ln2b, N: N, C: C)
            Kernels.matmulForward(out: fch, inp: ln, weight: p + w.fcW, bias: p + w.fcB, N: N, C: C, OC: 4 * C, profile: nil)
            Kernels.geluForward(out: fch, inp: fch, count: N * 4 * C)
            Kernels.matmulForward(out: tmp, inp: fch, weight: p + w.fcProjW, bias: p + w.fcProjB, N: N, C: 4 * C, OC: C, profile: nil)
            for i in 0..<(N * C) { x[i] += tmp[i] }
        }
        // Final LayerNorm and LM head on each row's last token only.
        for s in 0..<S { (tmp + s * C).update(from: x + (s * tNew + tNew - 1) * C, count: C) }
        Kernels.layerNormForward(out: lnLast, mean: mean, rstd: rstd, inp: tmp, weight: p + lay.lnfw, bias: p + lay.lnfb, N: S, C: C)
        Kernels.matmulForward(out: logits, inp: lnLast, weight: p + lay.wte, bias: nil, N: S, C: C, OC: V, profile: nil)
        length += tNew
        return Array(UnsafeBufferPointer(start: logits, count: S * V))
    }
}
