import AIGCCore
import Foundation

/// Where training batches come from. Pretraining samples random windows of a token stream; fine-tuning
/// (later) serves packed conversation rows with labels, positions and segments.
public protocol TrainingBatchSource {
    /// The next training batch; any randomness must come from `rng` (it is checkpointed).
    func trainBatch(rng: inout Xoshiro256) -> TokenBatch
    /// A batch for loss estimation on `split` ("train" or "val").
    func evalBatch(split: String, rng: inout Xoshiro256) -> TokenBatch
    var hasValidation: Bool { get }
}

/// Random nanoGPT windows from train/val token streams.
public struct StreamBatchSource: TrainingBatchSource {
    public let train: TokenStream
    public let val: TokenStream?
    public let batchSize: Int
    public let blockSize: Int

    public init(train: TokenStream, val: TokenStream?, batchSize: Int, blockSize: Int) throws {
        for s in [train] + (val.map { [$0] } ?? []) where s.count < blockSize + 2 {
            throw AIGCError.input(location: s.path, message: "\(s.count) tokens is too short for block size \(blockSize)")
        }
        self.train = train
        self.val = val
        self.batchSize = batchSize
        self.blockSize = blockSize
    }

    public func trainBatch(rng: inout Xoshiro256) -> TokenBatch {
        train.sampleBatch(batch: batchSize, time: blockSize, rng: &rng)
    }

    public func evalBatch(split: String, rng: inout Xoshiro256) -> TokenBatch {
        (split == "val" ? (val ?? train) : train).sampleBatch(batch: batchSize, time: blockSize, rng: &rng)
    }

    public var hasValidation: Bool { val != nil }
}

/// The training loop shared by `aigc pretrain` (and fine-tuning): AdamW with warm-up + cosine, clipping,
/// gradient accumulation, periodic evaluation, `metrics.jsonl`, the SVG loss chart, and checkpoints after
/// every evaluation. Resuming from a checkpoint continues bit-identically: the checkpoint holds everything the
/// next step depends on (parameters, moments, step, RNG state), evaluation at the checkpoint's iteration is
/// not repeated, and dropout masks derive from (seed, iteration, micro-step, shard) rather than a running state.
public final class Trainer {
    public let model: GPTModel
    public let optimizer: AdamW
    public let options: TrainingOptions
    public let outDirectory: URL
    public private(set) var rng: Xoshiro256
    public private(set) var iter: Int
    public private(set) var bestValLoss: Double?
    let engine: GPTEngine
    let metrics: MetricsLog
    /// Called with each metrics row (the CLI prints them).
    public var onRow: ((String) throws -> Void)?
    /// Called with the iteration after each checkpoint is on disk; an error it throws stops the run there (as a
    /// kill right after the checkpoint would), which the pipeline's resume test uses.
    public var onCheckpoint: ((Int) throws -> Void)?
    public private(set) var lastEval: (train: Double, val: Double?) = (.nan, nil)
    public private(set) var trainSeconds = 0.0
    public private(set) var trainedIters = 0
    public private(set) var sgemmSeconds = 0.0
    public private(set) var sgemmFlops = 0.0
    /// CPU seconds (all threads) of the training steps (not evaluation).
    public private(set) var trainCPUSeconds = 0.0

    /// A new run with a freshly initialised model.
    public convenience init(config: GPTConfig, options: TrainingOptions, outDirectory: URL) throws {
        try options.validate()
        let model = try GPTModel(config: config, seed: options.seed)
        let opt = AdamW(layout: model.layout, beta1: Float(options.beta1), beta2: Float(options.beta2), eps: 1e-8,
                        weightDecay: Float(options.weightDecay))
        try self.init(model: model, optimizer: opt, options: options, outDirectory: outDirectory,
                      rng: Xoshiro256(seed: options.seed ^ 0x5EED_DA7A), iter: 0, bestValLoss: nil, resumed: false)
    }

    /// Continues the run checkpointed in `outDirectory`.
    public static func resume(outDirectory: URL, options: TrainingOptions, config: GPTConfig?) throws -> Trainer {
        try options.validate()
        let ck = try TrainingCheckpoint.load(directory: outDirectory)
        if let config, config != ck.model.config {
            throw AIGCError.usage("Trainer.resume: the model options differ from \(outDirectory.path)/config.json")
        }
        return try Trainer(model: ck.model, optimizer: ck.optimizer, options: options, outDirectory: outDirectory,
                           rng: ck.rng, iter: ck.state.iter, bestValLoss: ck.state.bestValLoss, resumed: true)
    }

    init(model: GPTModel, optimizer: AdamW, options: TrainingOptions, outDirectory: URL, rng: Xoshiro256, iter: Int,
         bestValLoss: Double?, resumed: Bool) throws {
        guard options.blockSize <= model.config.blockSize else {
            throw AIGCError.usage("TrainingOptions.blockSize \(options.blockSize) exceeds the model's \(model.config.blockSize) positions")
        }
        try GPTEngine.checkMemory(config: model.config, batchSize: options.batchSize, time: options.blockSize,
                                  shards: options.shards, training: true)
        self.model = model
        self.optimizer = optimizer
        self.options = options
        self.outDirectory = outDirectory
        self.rng = rng
        self.iter = iter
        self.bestValLoss = bestValLoss
        optimizer.beta1 = Float(options.beta1)
        optimizer.beta2 = Float(options.beta2)
        optimizer.weightDecay = Float(options.weightDecay)
        BLAS.setThreads(1)
        engine = GPTEngine(model: model, batchSize: options.batchSize, time: options.blockSize, shards: options.shards,
                           threads: options.threads, training: true, profile: options.profile)
        metrics = try MetricsLog(url: outDirectory.appendingPathComponent("metrics.jsonl"), keepThrough: resumed ? iter : nil)
    }

    /// Mean loss over `evalIters` batches of each split.
    public func estimateLoss(source: TrainingBatchSource) -> (train: Double, val: Double?) {
        func run(_ split: String) -> Double {
            var sum = 0.0, count = 0
            for _ in 0..<options.evalIters {
                let r = engine.loss(source.evalBatch(split: split, rng: &rng))
                // nanoGPT averages per-batch means.
                sum += r.count > 0 ? r.sum / Double(r.count) : 0
                count += 1
            }
            return sum / Double(max(1, count))
        }
        let t = run("train")
        let v = source.hasValidation ? run("val") : nil
        return (t, v)
    }

    /// Runs from the current iteration to `options.maxIters`.
    public func run(source: TrainingBatchSource) throws {
        let o = options
        let startIter = iter
        // The first evaluation row of every run (fresh or resumed) records where it ran: CPU, OpenBLAS kernels
        // and threads, the trainer's own threads.
        var machine = OpenBLASRuntime.metricsFields(threads: o.threads)
        var intervalSeconds = 0.0, intervalIters = 0, logLoss = 0.0, logIters = 0
        while true {
            let it = iter
            let isEval = it % o.evalInterval == 0 || it == o.maxIters
            if isEval && !(it == startIter && startIter > 0) {
                let losses = estimateLoss(source: source)
                guard losses.train.isFinite, losses.val?.isFinite ?? true else {
                    throw AIGCError.input(location: "iteration \(it)", message: "the evaluation loss is not finite (train \(losses.train), val \(losses.val.map { "\($0)" } ?? "none")); training diverged: lower TrainingOptions.lr or check the data")
                }
                lastEval = losses
                if let v = losses.val { bestValLoss = min(bestValLoss ?? v, v) }
                let ms = intervalIters > 0 ? 1000 * intervalSeconds / Double(intervalIters) : 0
                let tps = intervalSeconds > 0 ? Double(intervalIters * o.batchSize * o.blockSize * o.gradAccumSteps) / intervalSeconds : 0
                try emit(["\"iter\":\(it)", "\"train_loss\":\(json(losses.train))", "\"val_loss\":\(json(losses.val ?? .nan))",
                          "\"lr\":\(json(o.schedule.rate(at: min(it, max(0, o.maxIters - 1)))))", "\"ms_per_iter\":\(json(ms))",
                          "\"tokens_per_s\":\(json(tps))"] + machine, iter: it)
                machine = []
                intervalSeconds = 0; intervalIters = 0
                try TrainingCheckpoint.save(directory: outDirectory, model: model, optimizer: optimizer, iter: it, rng: rng,
                                            options: o, bestValLoss: bestValLoss)
                try writeChart()
                try onCheckpoint?(it)
            }
            if it >= o.maxIters { break }
            let lr = Float(o.schedule.rate(at: it))
            let before = o.profile ? engine.profileTotals() : (seconds: 0, flops: 0, calls: 0)
            let t0 = BLASProfile.now()
            let c0 = BLASProfile.processCPU()
            engine.zeroGradients()
            var lossSum = 0.0, lossCount = 0
            for micro in 0..<o.gradAccumSteps {
                let batch = source.trainBatch(rng: &rng)
                let n = max(1, batch.targetCount)
                let seed = o.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(it) &* 1_000_003 &+ UInt64(micro)
                let r = engine.accumulateGradients(batch, lossScale: 1 / Float(n * o.gradAccumSteps), dropoutSeed: seed)
                lossSum += r.count > 0 ? r.sum / Double(r.count) : 0
                lossCount += 1
            }
            guard lossSum.isFinite else {
                throw AIGCError.input(location: "iteration \(it)", message: "the training loss is \(lossSum / Double(max(1, lossCount))) (training diverged); lower TrainingOptions.lr or check the data")
            }
            let (grads, norm) = engine.reduceGradients()
            guard norm.isFinite else {
                throw AIGCError.input(location: "iteration \(it)", message: "the gradient norm is not finite (training diverged); lower TrainingOptions.lr or check the data")
            }
            if o.gradClip > 0 {
                let coef = o.gradClip / (norm + 1e-6)
                if coef < 1 { engine.scaleGradients(Float(coef)) }
            }
            optimizer.update(params: model.params, grads: grads, lr: lr, threads: o.threads)
            let dt = BLASProfile.now() - t0
            trainCPUSeconds += BLASProfile.processCPU() - c0
            if o.profile {
                let p = engine.profileTotals()
                sgemmSeconds += p.seconds - before.seconds
                sgemmFlops += p.flops - before.flops
            }
            trainSeconds += dt
            trainedIters += 1
            intervalSeconds += dt
            intervalIters += 1
            logLoss += lossSum / Double(lossCount)
            logIters += 1
            iter = it + 1
            if o.logInterval > 0 && iter % o.logInterval == 0 {
                if iter % o.evalInterval != 0 {
                    try emit(["\"iter\":\(iter)", "\"train_loss\":\(json(logLoss / Double(logIters)))",
                              "\"lr\":\(json(Double(lr)))", "\"ms_per_iter\":\(json(1000 * intervalSeconds / Double(intervalIters)))",
                              "\"tokens_per_s\":\(json(Double(intervalIters * o.batchSize * o.blockSize * o.gradAccumSteps) / intervalSeconds))"], iter: iter)
                }
                logLoss = 0
                logIters = 0
            }
        }
    }

    private func json(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    private func emit(_ fields: [String], iter: Int) throws {
        let line = "{" + fields.joined(separator: ",") + "}"
        try metrics.append(line, iter: iter)
        try onRow?(line)
    }

    /// Writes `loss.svg` from metrics.jsonl's rows.
    public func writeChart() throws {
        var trainPts: [(x: Double, y: Double)] = [], valPts: [(x: Double, y: Double)] = [], evalTrain: [(x: Double, y: Double)] = []
        for row in metrics.rows {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                  let it = obj["iter"] as? Double ?? (obj["iter"] as? Int).map(Double.init) else { continue }
            let tl = obj["train_loss"] as? Double
            if let v = obj["val_loss"] as? Double {
                valPts.append((it, v))
                if let tl { evalTrain.append((it, tl)) }
            } else if obj.keys.contains("val_loss") {
                if let tl { evalTrain.append((it, tl)) }
            } else if let tl {
                trainPts.append((it, tl))
            }
        }
        var series: [LossChart.Series] = []
        if !trainPts.isEmpty { series.append(.init(name: "train (running)", color: "#9ecae1", points: trainPts)) }
        series.append(.init(name: "train (eval)", color: "#3182bd", points: evalTrain, markers: true))
        if !valPts.isEmpty { series.append(.init(name: "validation", color: "#e6550d", points: valPts, markers: true)) }
        let c = model.config
        let chart = LossChart(title: "GPT-2 \(c.nLayer)L \(c.nHead)H \(c.nEmbd)C, block \(options.blockSize), batch \(options.batchSize)", series: series)
        try AtomicFile.write(chart.svg(), to: outDirectory.appendingPathComponent("loss.svg"))
    }
}
