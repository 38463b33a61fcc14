import AIGCCore

/// Everything one worker needs to run forward and backward over `maxBatch` rows of `maxTime` tokens: one
/// allocation for activations (carved into per-layer regions), one for parameter gradients (optional), a
/// T×T attention scratch, and its own sgemm profile. Workers never share a workspace, so shards run in parallel
/// without locks and each shard's arithmetic is identical whichever thread runs it.
package final class GPTWorkspace: @unchecked Sendable {
    public let config: GPTConfig
    public let maxBatch: Int
    public let maxTime: Int
    let layout: ParameterLayout
    let acts: FloatBuffer
    public let grads: FloatBuffer?
    public let profile: BLASProfile?
    let useDropout: Bool

    // Per-layer activation pointers.
    struct Layer {
        var input: Kernels.FP  // residual stream entering the block
        var ln1, ln1Mean, ln1Rstd, qkv, att, atty, res2, ln2, ln2Mean, ln2Rstd, fch, fchGelu: Kernels.FP
        var attDropped, attMask, projMask, mlpMask, fchTanh: Kernels.FP?
    }
    var layers: [Layer] = []
    var encoded: Kernels.FP, encMask: Kernels.FP?
    var output: Kernels.FP  // residual stream after the last block
    var lnf, lnfMean, lnfRstd, logits, losses: Kernels.FP
    // Backward scratch.
    var dres, dln, dtmp, dqkv, datty, dfch, dscratch, tmp: Kernels.FP
    // Integer inputs of the current batch slice.
    var tokens: [Int32] = []
    var targets: [Int32] = []
    var positions: [Int32] = []
    var segments: [Int32]? = nil
    var curB = 0, curT = 0
    var lastLossCount = 0
    /// Whether the last forward applied dropout (its masks are then used by backward).
    var masksActive = false

    /// Floats of one workspace's activation buffer, computed in floating point so that sizes from flags cannot
    /// overflow: callers check it against the machine's memory (`GPTEngine.checkMemory`) before allocating.
    public static func activationFloats(config: GPTConfig, maxBatch: Int, maxTime: Int, withGradients: Bool, training: Bool) -> Double {
        let N = Double(maxBatch) * Double(maxTime), C = Double(config.nEmbd), L = Double(config.nLayer)
        let V = Double(config.vocabSize), T = Double(maxTime)
        let attSize = Double(maxBatch) * Double(config.nHead) * T * T
        let perLayer = C /*ln1*/ + 2 /*mean,rstd*/ + 3 * C + C /*atty*/ + C /*res2*/ + C /*ln2*/ + 2 + 4 * C + 4 * C + C /*output*/
        var total = N * C + N * perLayer * L + attSize * L + (withGradients ? N * 4 * C * L : 0)
        if training && config.dropout > 0 { total += N * C + L * (2 * attSize + 2 * N * C) }
        total += N * C + 2 * N + N * V + N  // lnf, stats, logits, losses
        total += withGradients ? (N * C * 4 + N * 3 * C + N * 4 * C + T * T) : N * C
        return total
    }

    public init(config: GPTConfig, maxBatch: Int, maxTime: Int, withGradients: Bool, training: Bool, profile: Bool = false) {
        self.config = config
        self.maxBatch = maxBatch
        self.maxTime = maxTime
        layout = ParameterLayout(config)
        useDropout = training && config.dropout > 0
        self.profile = profile ? BLASProfile() : nil
        let N = maxBatch * maxTime, C = config.nEmbd, L = config.nLayer, NH = config.nHead, V = config.vocabSize
        let attSize = maxBatch * NH * maxTime * maxTime
        let total = Int(Self.activationFloats(config: config, maxBatch: maxBatch, maxTime: maxTime, withGradients: withGradients, training: training))
        acts = FloatBuffer(count: total)
        grads = withGradients ? FloatBuffer(count: layout.count) : nil
        var cursor = acts.pointer
        func take(_ n: Int) -> Kernels.FP { defer { cursor += n }; return cursor }
        encoded = take(N * C)
        encMask = useDropout ? take(N * C) : nil
        var input = encoded
        for _ in 0..<L {
            var l = Layer(input: input, ln1: take(N * C), ln1Mean: take(N), ln1Rstd: take(N), qkv: take(N * 3 * C),
                          att: take(attSize), atty: take(N * C), res2: take(N * C), ln2: take(N * C), ln2Mean: take(N),
                          ln2Rstd: take(N), fch: take(N * 4 * C), fchGelu: take(N * 4 * C))
            if withGradients { l.fchTanh = take(N * 4 * C) }
            if useDropout {
                l.attDropped = take(attSize); l.attMask = take(attSize); l.projMask = take(N * C); l.mlpMask = take(N * C)
            }
            layers.append(l)
            input = take(N * C)
        }
        output = input
        lnf = take(N * C); lnfMean = take(N); lnfRstd = take(N); logits = take(N * V); losses = take(N)
        if withGradients {
            dres = take(N * C); dln = take(N * C); dtmp = take(N * C); datty = take(N * C)
            dqkv = take(N * 3 * C); dfch = take(N * 4 * C); dscratch = take(maxTime * maxTime)
            tmp = dtmp
        } else {
            tmp = take(N * C)
            dres = tmp; dln = tmp; dtmp = tmp; datty = tmp; dqkv = tmp; dfch = tmp; dscratch = tmp
        }
        precondition(cursor - acts.pointer <= total)
    }

    /// Fills a dropout mask with 0 (probability p) or 1/(1−p).
    static func fillMask(_ m: Kernels.FP, count: Int, p: Float, rng: inout Xoshiro256) {
        let keep = 1 / (1 - p)
        for i in 0..<count { m[i] = rng.nextFloat() < p ? 0 : keep }
    }

    /// Loads rows `rows` of `batch` as this workspace's current inputs.
    package func load(_ batch: TokenBatch, rows: Range<Int>) {
        let T = batch.time
        curB = rows.count
        curT = T
        let r = rows.lowerBound * T ..< rows.upperBound * T
        tokens = Array(batch.inputs[r])
        targets = batch.targets.map { Array($0[r]) } ?? []
        if let p = batch.positions { positions = Array(p[r]) } else {
            positions = (0..<(curB * T)).map { Int32($0 % T) }
        }
        segments = batch.segments.map { Array($0[r]) }
    }

    /// Forward pass over the loaded rows. Returns (sum of token losses, number of counted targets); logits
    /// become probabilities. `rng` drives dropout (training workspaces only).
    @discardableResult
    package func forward(params: UnsafePointer<Float>, rng: inout Xoshiro256, dropout: Bool = true) -> (sum: Double, count: Int) {
        masksActive = dropout && useDropout
        let useMasks = masksActive
        let B = curB, T = curT, N = B * T, C = config.nEmbd, NH = config.nHead, V = config.vocabSize
        let p = params, pf = profile, drop = config.dropout
        tokens.withUnsafeBufferPointer { tok in
            positions.withUnsafeBufferPointer { pos in
                Kernels.encoderForward(out: encoded, tokens: tok.baseAddress!, positions: pos.baseAddress!,
                                       wte: p + layout.wte, wpe: p + layout.wpe, N: N, C: C)
            }
        }
        if useMasks, let m = encMask {
            Self.fillMask(m, count: N * C, p: drop, rng: &rng)
            for i in 0..<(N * C) { encoded[i] *= m[i] }
        }
        for (li, l) in layers.enumerated() {
            let w = layout.blocks[li]
            Kernels.layerNormForward(out: l.ln1, mean: l.ln1Mean, rstd: l.ln1Rstd, inp: l.input, weight: p + w.ln1w,
                                     bias: p + w.ln1b, N: N, C: C)
            Kernels.matmulForward(out: l.qkv, inp: l.ln1, weight: p + w.attnW, bias: p + w.attnB, N: N, C: C, OC: 3 * C, profile: pf)
            if useMasks, let am = l.attMask { Self.fillMask(am, count: B * NH * T * T, p: drop, rng: &rng) }
            withSegments { seg in
                Kernels.attentionForward(out: l.atty, att: l.att, qkv: l.qkv, segments: seg, dropMask: useMasks ? l.attMask : nil,
                                         attDropped: useMasks ? l.attDropped : nil, B: B, T: T, C: C, NH: NH, profile: pf)
            }
            Kernels.matmulForward(out: tmp, inp: l.atty, weight: p + w.projW, bias: p + w.projB, N: N, C: C, OC: C, profile: pf)
            if useMasks, let m = l.projMask {
                Self.fillMask(m, count: N * C, p: drop, rng: &rng)
                for i in 0..<(N * C) { l.res2[i] = l.input[i] + tmp[i] * m[i] }
            } else {
                for i in 0..<(N * C) { l.res2[i] = l.input[i] + tmp[i] }
            }
            Kernels.layerNormForward(out: l.ln2, mean: l.ln2Mean, rstd: l.ln2Rstd, inp: l.res2, weight: p + w.ln2w,
                                     bias: p + w.ln2b, N: N, C: C)
            Kernels.matmulForward(out: l.fch, inp: l.ln2, weight: p + w.fcW, bias: p + w.fcB, N: N, C: C, OC: 4 * C, profile: pf)
            Kernels.geluForward(out: l.fchGelu, inp: l.fch, tanhOut: l.fchTanh, count: N * 4 * C)
            Kernels.matmulForward(out: tmp, inp: l.fchGelu, weight: p + w.fcProjW, bias: p + w.fcProjB, N: N, C: 4 * C, OC: C, profile: pf)
            let next = li + 1 < layers.count ? layers[li + 1].input : output
            if useMasks, let m = l.mlpMask {
                Self.fillMask(m, count: N * C, p: drop, rng: &rng)
                for i in 0..<(N * C) { next[i] = l.res2[i] + tmp[i] * m[i] }
            } else {
                for i in 0..<(N * C) { next[i] = l.res2[i] + tmp[i] }
            }
        }
        Kernels.layerNormForward(out: lnf, mean: lnfMean, rstd: lnfRstd, inp: output, weight: p + layout.lnfw,
                                 bias: p + layout.lnfb, N: N, C: C)
        Kernels.matmulForward(out: logits, inp: lnf, weight: p + layout.wte, bias: nil, N: N, C: C, OC: V, profile: pf)
        let result: (sum: Double, count: Int)
        if targets.isEmpty {
            result = Kernels.softmaxCrossEntropyForward(probs: logits, losses: losses, targets: nil, N: N, V: V)
        } else {
            result = targets.withUnsafeBufferPointer {
                Kernels.softmaxCrossEntropyForward(probs: logits, losses: losses, targets: $0.baseAddress!, N: N, V: V)
            }
        }
        lastLossCount = result.count
        return result
    }

    /// Logits (before softmax) are not kept by `forward`; this runs the forward without the loss and leaves
    /// raw logits `[B·T, V]` in `logits`.
    package func forwardLogits(params: UnsafePointer<Float>) {
        var rng = Xoshiro256(seed: 0)
        let saved = targets
        targets = []
        let V = config.vocabSize, N = curB * curT, C = config.nEmbd
        forward(params: params, rng: &rng, dropout: false)
        targets = saved
        // Recompute the LM head's logits (the loss kernel turned them into probabilities).
        Kernels.matmulForward(out: logits, inp: lnf, weight: params + layout.wte, bias: nil, N: N, C: C, OC: V, profile: profile)
    }

    private func withSegments<R>(_ body: (UnsafePointer<Int32>?) -> R) -> R {
        if let segments { return segments.withUnsafeBufferPointer { body($0.baseAddress!) } }
        return body(nil)
    }

    /// Hidden states after the final LayerNorm, `[B·T, C]` for the loaded rows (valid after `forward`): the input
    /// of the LM head, and of any other head (e.g. a discriminator's classifier) trained with `backward(hiddenGradient:)`.
    package var finalHidden: UnsafePointer<Float> { UnsafePointer(lnf) }

    /// Backward pass after `forward`, accumulating parameter gradients into `grads`. The loss being
    /// differentiated is Σ(token losses)·`lossScale` (e.g. 1/(counted targets × accumulation steps)).
    package func backward(params: UnsafePointer<Float>, lossScale: Float) {
        guard let grads else { return }
        let N = curB * curT, C = config.nEmbd, V = config.vocabSize
        targets.withUnsafeBufferPointer {
            Kernels.softmaxCrossEntropyBackward(probs: logits, targets: $0.baseAddress!, scale: lossScale, N: N, V: V)
        }
        Kernels.matmulBackward(dinp: dln, dweight: grads.pointer + layout.wte, dbias: nil, dout: logits, inp: lnf,
                               weight: params + layout.wte, N: N, C: C, OC: V, profile: profile)
        backwardTrunk(params: params, dHidden: UnsafePointer(dln))
    }

    /// Backward from a gradient on `finalHidden` instead of the LM-head loss (for other heads), accumulating
    /// parameter gradients of everything below the final LayerNorm's output.
    package func backward(params: UnsafePointer<Float>, hiddenGradient: UnsafePointer<Float>) {
        backwardTrunk(params: params, dHidden: hiddenGradient)
    }

    private func backwardTrunk(params: UnsafePointer<Float>, dHidden: UnsafePointer<Float>) {
        guard let grads else { return }
        let B = curB, T = curT, N = B * T, C = config.nEmbd, NH = config.nHead
        let p = params, g = grads.pointer, pf = profile
        let useMasks = masksActive
        dres.update(repeating: 0, count: N * C)
        Kernels.layerNormBackward(dinp: dres, dweight: g + layout.lnfw, dbias: g + layout.lnfb, dout: dHidden, inp: output,
                                  weight: p + layout.lnfw, mean: lnfMean, rstd: lnfRstd, N: N, C: C)
        for li in stride(from: layers.count - 1, through: 0, by: -1) {
            let l = layers[li], w = layout.blocks[li]
            // MLP branch: dres is ∂L/∂(block output).
            var dbranch = CFPointer(dres)
            if useMasks, let m = l.mlpMask { for i in 0..<(N * C) { dtmp[i] = dres[i] * m[i] }; dbranch = CFPointer(dtmp) }
            Kernels.matmulBackward(dinp: dfch, dweight: g + w.fcProjW, dbias: g + w.fcProjB, dout: dbranch, inp: l.fchGelu,
                                   weight: p + w.fcProjW, N: N, C: 4 * C, OC: C, profile: pf)
            Kernels.geluBackward(dinp: dfch, inp: l.fch, tanhIn: l.fchTanh, dout: dfch, count: N * 4 * C)
            Kernels.matmulBackward(dinp: dln, dweight: g + w.fcW, dbias: g + w.fcB, dout: dfch, inp: l.ln2, weight: p + w.fcW,
                                   N: N, C: C, OC: 4 * C, profile: pf)
            Kernels.layerNormBackward(dinp: dres, dweight: g + w.ln2w, dbias: g + w.ln2b, dout: dln, inp: l.res2,
                                      weight: p + w.ln2w, mean: l.ln2Mean, rstd: l.ln2Rstd, N: N, C: C)
            // Attention branch: dres is now ∂L/∂res2.
            dbranch = CFPointer(dres)
            if useMasks, let m = l.projMask { for i in 0..<(N * C) { dtmp[i] = dres[i] * m[i] }; dbranch = CFPointer(dtmp) }
            Kernels.matmulBackward(dinp: datty, dweight: g + w.projW, dbias: g + w.projB, dout: dbranch, inp: l.atty,
                                   weight: p + w.projW, N: N, C: C, OC: C, profile: pf)
            Kernels.attentionBackward(dqkv: dqkv, dout: datty, qkv: l.qkv, att: l.att, dropMask: useMasks ? l.attMask : nil,
                                      attDropped: useMasks ? l.attDropped : nil, scratch: dscratch, B: B, T: T, C: C, NH: NH, profile: pf)
            Kernels.matmulBackward(dinp: dln, dweight: g + w.attnW, dbias: g + w.attnB, dout: dqkv, inp: l.ln1,
                                   weight: p + w.attnW, N: N, C: C, OC: 3 * C, profile: pf)
            Kernels.layerNormBackward(dinp: dres, dweight: g + w.ln1w, dbias: g + w.ln1b, dout: dln, inp: l.input,
                                      weight: p + w.ln1w, mean: l.ln1Mean, rstd: l.ln1Rstd, N: N, C: C)
        }
        if useMasks, let m = encMask { for i in 0..<(N * C) { dres[i] *= m[i] } }
        tokens.withUnsafeBufferPointer { tok in
            positions.withUnsafeBufferPointer { pos in
                Kernels.encoderBackward(dwte: g + layout.wte, dwpe: g + layout.wpe, dout: dres, tokens: tok.baseAddress!,
                                        positions: pos.baseAddress!, N: N, C: C)
            }
        }
    }
}

typealias CFPointer = UnsafePointer<Float>
