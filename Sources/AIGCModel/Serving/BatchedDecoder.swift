import AIGCCore
import Foundation

/// KV-cached forward passes over many independent sequences ("slots"), each at its own length: the compute core
/// of continuous batching. One `step` takes any mix of segments — a new prompt (many tokens) or the next token of
/// each running sequence — and runs every layer's matrix products once over all the running sequences (each
/// weight matrix is read once per step for the whole batch, not once per request); only attention is per sequence.
///
/// Batch invariance: a sequence's logits must not depend on what else is in the step, or a seeded request would
/// answer differently alone and in a crowd. OpenBLAS does not promise that (it picks kernels by the row count),
/// so every linear layer of every row, prompt or decode, goes through one call over all the step's rows of a
/// kernel whose every output element is one fixed-order SIMD dot product whatever the other rows:
/// `Kernels.decodeMatmul` (fp32) or `Kernels.linearBF16` (bf16 weights, `WeightPrecision.bf16`). So a prompt's
/// logits are also the same whether it is fed at once or token by token. The fp32 kernel reads the weights in
/// their own layout: at a 100-token prompt it ran 10–16% faster than sgemm, which packs (copies) every weight
/// matrix on every call (10% of the server's CPU at concurrency 16; `Benchmarks/Micro/c/linear_rows_vs_sgemm.c`). The rows
/// are laid out as the decode block (one-token segments) first, then one block per prompt (for attention). The KV cache is then bf16 too: decode attention widens its rows
/// exactly as it reads them (`Kernels.decodeAttentionBF16`), and a prompt's attention reads its slot's rows widened
/// into fp32 scratch, so both see the same rounded keys and values.
/// Attention is per sequence: one-token segments use `Kernels.decodeAttention`, prompts the BLAS kernel
/// `cachedAttentionForward`. LayerNorm, GELU and the residual adds run per row. `EngineTests` checks the
/// property.
///
/// Shapes: caches `[L, slots, maxTime, C]`; per step N = total new tokens, activations `[N, C]` (`[N, 4C]` for
/// the MLP); logits `[segments, V]` (each segment's last token only).
public final class BatchedDecoder: @unchecked Sendable {
    public struct Segment: Sendable {
        public var slot: Int
        public var tokens: [Int32]
        public init(slot: Int, tokens: [Int32]) { self.slot = slot; self.tokens = tokens }
    }

    public let model: GPTModel
    public let slots: Int
    /// Longest sequence a slot holds (the block size).
    public let maxTime: Int
    /// Most tokens one step may feed in all.
    public let maxStepTokens: Int
    /// The slots' keys, values and lengths (possibly shared with other decoders; see `KVCache`).
    public let cache: KVCache
    let acts: FloatBuffer
    let x, ln, qkv, atty, tmp, fch, lnLast, logitsOut, scratch, mean, rstd: Kernels.FP
    var tokenBuf: [Int32], positionBuf: [Int32]
    /// bf16 weights (nil: fp32) and the rows rounded to bf16 for `Kernels.linearBF16`.
    let bf16: BF16Weights?
    let bf16Scratch: UnsafeMutablePointer<UInt16>?
    /// bf16 cache: a slot's keys and values widened to fp32 `[2, maxTime, C]` for prompt attention, after the decode
    /// attention's scratch (`nHead · maxTime + 2 · maxTime · C` floats in all).
    let wide: FloatBuffer?

    /// Floats of activations a decoder feeding up to `maxStepTokens` tokens per step allocates.
    static func activationCount(config c: GPTConfig, slots: Int, maxStepTokens N: Int) -> Int {
        let C = c.nEmbd, T = c.blockSize
        return N * C * 4 + N * 3 * C + N * 4 * C + slots * C + slots * c.vocabSize + max(T * T, c.nHead * T) + 2 * N
    }

    /// Bytes of memory a decoder with these sizes allocates, its own cache included (checked before allocating).
    public static func memoryBytes(config c: GPTConfig, slots: Int, maxStepTokens: Int) -> Int {
        KVCache.memoryBytes(config: c, slots: slots) + activationCount(config: c, slots: slots, maxStepTokens: maxStepTokens) * 4
    }

    /// Throws unless `bytes` fit in 80% of this machine's memory.
    static func checkMemory(_ bytes: Int, config c: GPTConfig, slots: Int) throws {
        let limit = min(64 << 30, Int(ProcessInfo.processInfo.physicalMemory / 10 * 8))
        guard bytes <= limit else {
            throw AIGCError.usage("a batch of \(slots) sequences of \(c.blockSize) tokens needs \(bytes >> 20) MiB of cache and activations "
                + "(more than 80% of this machine's memory); lower the batch size")
        }
    }

    /// A decoder with its own cache.
    /// - Parameters:
    ///   - slots: sequences held at once (the largest batch).
    ///   - maxStepTokens: most tokens fed in one step (prompt tokens plus one per running sequence); default the
    ///     block size plus `slots`, so any prompt that fits the context fits one step beside a full batch.
    ///   - weights: the precision of the linear layers' weights (bf16: packed here; an engine packs once and shares).
    public convenience init(model: GPTModel, slots: Int, maxStepTokens requested: Int? = nil, weights: WeightPrecision = .fp32) throws {
        let c = model.config
        guard slots >= 1, slots <= 4096 else { throw AIGCError.usage("batch slots must be in 1...4096 (got \(slots))") }
        let n = requested ?? (c.blockSize + slots)
        try Self.checkMemory(Self.memoryBytes(config: c, slots: slots, maxStepTokens: max(1, n)), config: c, slots: slots)
        try self.init(model: model, cache: KVCache(config: c, slots: slots, bf16: weights == .bf16), maxStepTokens: n,
                      bf16: weights == .bf16 ? try BF16Weights(model: model) : nil)
    }

    /// A decoder working on `cache`'s slots (shared with other decoders), fp32 weights.
    public convenience init(model: GPTModel, cache: KVCache, maxStepTokens n: Int) throws {
        try self.init(model: model, cache: cache, maxStepTokens: n, bf16: nil)
    }

    /// A decoder working on `cache`'s slots (shared with other decoders), with bf16 weights when `bf16` is given.
    package init(model: GPTModel, cache: KVCache, maxStepTokens n: Int, bf16: BF16Weights?) throws {
        let c = model.config
        guard cache.layers == c.nLayer, cache.width == c.nEmbd, cache.maxTime == c.blockSize else {
            throw AIGCError.usage("the KV cache was made for another model shape")
        }
        guard n >= 1, n <= 1 << 20 else { throw AIGCError.usage("tokens per step must be in 1...\(1 << 20) (got \(n))") }
        guard cache.bf16 == (bf16 != nil) else {
            throw AIGCError.usage("the KV cache is \(cache.bf16 ? "bf16" : "fp32") but the weights are \(bf16 == nil ? "fp32" : "bf16")")
        }
        let slots = cache.slots
        try Self.checkMemory(Self.activationCount(config: c, slots: slots, maxStepTokens: n) * 4, config: c, slots: slots)
        self.model = model
        self.slots = slots
        self.cache = cache
        maxTime = c.blockSize
        maxStepTokens = n
        let C = c.nEmbd, N = n, T = maxTime, R = slots
        acts = FloatBuffer(count: Self.activationCount(config: c, slots: slots, maxStepTokens: n))
        var cur = acts.pointer
        func take(_ k: Int) -> Kernels.FP { defer { cur += k }; return cur }
        x = take(N * C); ln = take(N * C); atty = take(N * C); tmp = take(N * C); qkv = take(N * 3 * C); fch = take(N * 4 * C)
        lnLast = take(R * C); logitsOut = take(R * c.vocabSize); scratch = take(max(T * T, c.nHead * T))
        mean = take(N); rstd = take(N)
        tokenBuf = [Int32](repeating: 0, count: N)
        positionBuf = [Int32](repeating: 0, count: N)
        self.bf16 = bf16
        wide = bf16 == nil ? nil : FloatBuffer(count: c.nHead * T + 2 * T * C)
        if bf16 != nil {
            let k = BF16Matrix.scratchCount(rows: max(N, R), C: 4 * C)
            bf16Scratch = UnsafeMutableRawPointer.allocate(byteCount: max(1, k) * 2, alignment: 64).bindMemory(to: UInt16.self, capacity: max(1, k))
        } else {
            bf16Scratch = nil
        }
    }

    deinit { bf16Scratch?.deallocate() }

    /// The precision of the linear layers' weights.
    public var weights: WeightPrecision { bf16 == nil ? .fp32 : .bf16 }

    /// Tokens cached in slot `s`.
    public func length(slot s: Int) -> Int { cache.lengths[s] }

    /// Forgets slot `s`'s cached tokens (the slot can take a new sequence).
    public func reset(slot s: Int) { cache.reset(slot: s) }

    /// Copies slot `from`'s cache into slot `to` (n completions of one prompt share its prefill).
    public func copy(slot from: Int, to: Int) { cache.copy(slot: from, to: to) }

    /// Logits row `i` of the last `step` (`[V]`), valid until the next step.
    public func logits(_ i: Int) -> UnsafeBufferPointer<Float> {
        let V = model.config.vocabSize
        return UnsafeBufferPointer(start: logitsOut + i * V, count: V)
    }

    /// Feeds every segment's tokens (each continuing its slot's cached sequence) and computes the logits of each
    /// segment's last token into rows `0..<segments.count` (read them with `logits(_:)`).
    public func step(_ segments: [Segment]) throws {
        let c = model.config, C = c.nEmbd, V = c.vocabSize, NH = c.nHead, T = maxTime, S = slots, lengths = cache.lengths
        guard !segments.isEmpty, segments.count <= S else { throw AIGCError.usage("step: 1...\(S) segments (got \(segments.count))") }
        var N = 0
        var seen = Set<Int>()
        for seg in segments {
            guard seg.slot >= 0, seg.slot < S, seen.insert(seg.slot).inserted else {
                throw AIGCError.usage("step: slot \(seg.slot) is out of range or used twice")
            }
            guard !seg.tokens.isEmpty else { throw AIGCError.usage("step: an empty segment for slot \(seg.slot)") }
            guard lengths[seg.slot] + seg.tokens.count <= T else {
                throw AIGCError.usage("context full: \(lengths[seg.slot]) + \(seg.tokens.count) tokens exceed the context of \(T)")
            }
            if let bad = seg.tokens.first(where: { $0 < 0 || Int($0) >= V }) {
                throw AIGCError.input(location: "prompt", message: "token \(bad) is outside the vocabulary of \(V)")
            }
            N += seg.tokens.count
        }
        guard N <= maxStepTokens else { throw AIGCError.usage("step: \(N) tokens exceed \(maxStepTokens) per step") }
        // Row layout: the decode block (one-token segments) first, then one block per prompt (see the type's note
        // on batch invariance).
        var segRow = [Int](repeating: 0, count: segments.count)
        var D = 0
        for (i, seg) in segments.enumerated() where seg.tokens.count == 1 { segRow[i] = D; D += 1 }
        var P = D
        for (i, seg) in segments.enumerated() where seg.tokens.count > 1 {
            segRow[i] = P
            P += seg.tokens.count
        }
        for (i, seg) in segments.enumerated() {
            let start = lengths[seg.slot]
            for (j, t) in seg.tokens.enumerated() {
                tokenBuf[segRow[i] + j] = t
                positionBuf[segRow[i] + j] = Int32(start + j)
            }
        }
        let p = UnsafePointer(model.params.pointer), lay = model.layout
        tokenBuf.withUnsafeBufferPointer { tok in
            positionBuf.withUnsafeBufferPointer { pos in
                Kernels.encoderForward(out: x, tokens: tok.baseAddress!, positions: pos.baseAddress!, wte: p + lay.wte,
                                       wpe: p + lay.wpe, N: P, C: C)
            }
        }
        let bf = bf16, bfScratch = bf16Scratch
        let R = segments.count
        // The last layer needs its input's keys and values for every row (the cache), but the rest of it (attention
        // output, projection, MLP) only for each segment's last row, the one whose logits are returned: a prompt's
        // other rows stop after their keys and values (at 6 layers, 12.5% of a prompt's matrix arithmetic). The
        // layer's kept rows are compacted to rows 0..<R, segment order; every kernel is per row (see the type's note),
        // so a kept row's values do not depend on the dropped ones.
        let compact = P > R
        var rows = P
        func linear(out: Kernels.FP, inp: Kernels.CFP, weight: Kernels.CFP, bias: Kernels.CFP, C: Int, OC: Int,
                    _ packed: KeyPath<BF16Weights.Layer, BF16Matrix>, layer l: Int) {
            if let bf, let bfScratch {
                Kernels.linearBF16(out: out, inp: inp, weight: bf.layers[l][keyPath: packed], bias: bias, rows: rows, scratch: bfScratch)
                return
            }
            Kernels.decodeMatmul(out: out, inp: inp, weight: weight, bias: bias, rows: rows, C: C, OC: OC)
        }
        for l in 0..<c.nLayer {
            let w = lay.blocks[l]
            let lastOnly = compact && l == c.nLayer - 1
            Kernels.layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p + w.ln1w, bias: p + w.ln1b, N: P, C: C)
            linear(out: qkv, inp: ln, weight: p + w.attnW, bias: p + w.attnB, C: C, OC: 3 * C, \.attn, layer: l)
            if let wide {
                // bf16 cache: keys and values rounded as they are stored; attention reads them widened.
                let kb = cache.kBF16 + l * S * T * C, vb = cache.vBF16 + l * S * T * C
                for (i, seg) in segments.enumerated() {
                    let tNew = seg.tokens.count, past = lengths[seg.slot], off = segRow[i], base = seg.slot * T * C
                    for j in 0..<tNew {
                        let src = qkv + (off + j) * 3 * C
                        Kernels.roundBF16(kb + base + (past + j) * C, from: src + C, count: C)
                        Kernels.roundBF16(vb + base + (past + j) * C, from: src + 2 * C, count: C)
                    }
                    if tNew == 1 || lastOnly {
                        // One row (a decode step's, or a prompt's last in the last layer): into row i when compacting.
                        let row = lastOnly ? i : off, q = off + tNew - 1
                        Kernels.decodeAttentionBF16(out: atty + row * C, q: qkv + q * 3 * C, k: kb + base, v: vb + base,
                                                    len: past + tNew, C: C, NH: NH, scratch: wide.pointer)
                    } else {
                        let kf = wide.pointer + NH * T, vf = kf + T * C
                        Kernels.widenBF16(kf, from: kb + base, count: (past + tNew) * C)
                        Kernels.widenBF16(vf, from: vb + base, count: (past + tNew) * C)
                        Kernels.cachedAttentionForward(out: atty + off * C, qkv: qkv + off * 3 * C, kCache: kf, vCache: vf,
                                                       scratch: scratch, S: 1, tNew: tNew, past: past, maxT: T, C: C, NH: NH,
                                                       profile: nil)
                    }
                }
            } else {
                let kc = cache.k + l * S * T * C, vc = cache.v + l * S * T * C
                for (i, seg) in segments.enumerated() {
                    let tNew = seg.tokens.count, past = lengths[seg.slot], off = segRow[i]
                    for j in 0..<tNew {
                        let src = qkv + (off + j) * 3 * C
                        (kc + (seg.slot * T + past + j) * C).update(from: src + C, count: C)
                        (vc + (seg.slot * T + past + j) * C).update(from: src + 2 * C, count: C)
                    }
                    if tNew == 1 || lastOnly {
                        let row = lastOnly ? i : off, q = off + tNew - 1
                        Kernels.decodeAttention(out: atty + row * C, q: qkv + q * 3 * C, k: kc + seg.slot * T * C,
                                                v: vc + seg.slot * T * C, len: past + tNew, C: C, NH: NH, scores: scratch)
                    } else {
                        Kernels.cachedAttentionForward(out: atty + off * C, qkv: qkv + off * 3 * C, kCache: kc + seg.slot * T * C,
                                                       vCache: vc + seg.slot * T * C, scratch: scratch, S: 1, tNew: tNew,
                                                       past: past, maxT: T, C: C, NH: NH, profile: nil)
                    }
                }
            }
            if lastOnly {
                // The residual stream's kept rows to rows 0..<R (through `tmp`: a decode row may sit below a prompt's).
                for (r, seg) in segments.enumerated() { (tmp + r * C).update(from: x + (segRow[r] + seg.tokens.count - 1) * C, count: C) }
                x.update(from: tmp, count: R * C)
                rows = R
            }
            linear(out: tmp, inp: atty, weight: p + w.projW, bias: p + w.projB, C: C, OC: C, \.proj, layer: l)
            for i in 0..<(rows * C) { x[i] += tmp[i] }
            Kernels.layerNormForward(out: ln, mean: mean, rstd: rstd, inp: x, weight: p + w.ln2w, bias: p + w.ln2b, N: rows, C: C)
            linear(out: fch, inp: ln, weight: p + w.fcW, bias: p + w.fcB, C: C, OC: 4 * C, \.fc, layer: l)
            Kernels.geluInPlace(fch, count: rows * 4 * C)
            linear(out: tmp, inp: fch, weight: p + w.fcProjW, bias: p + w.fcProjB, C: 4 * C, OC: C, \.fcProj, layer: l)
            for i in 0..<(rows * C) { x[i] += tmp[i] }
        }
        // Final LayerNorm and LM head on each segment's last token only (already rows 0..<R when compacted).
        for (r, seg) in segments.enumerated() {
            (tmp + r * C).update(from: x + (compact ? r : segRow[r] + seg.tokens.count - 1) * C, count: C)
            lengths[seg.slot] += seg.tokens.count
        }
        Kernels.layerNormForward(out: lnLast, mean: mean, rstd: rstd, inp: tmp, weight: p + lay.lnfw, bias: p + lay.lnfb, N: R, C: C)
        if let bf, let bfScratch {
            Kernels.linearBF16(out: logitsOut, inp: lnLast, weight: bf.lmHead, bias: nil, rows: R, scratch: bfScratch)
        } else {
            Kernels.decodeMatmul(out: logitsOut, inp: lnLast, weight: p + lay.wte, bias: nil, rows: R, C: C, OC: V)
        }
    }
}
