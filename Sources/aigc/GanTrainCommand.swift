import ArgumentParser
import AIGC
import Foundation

/// `aigc gan train`: trains G and D, writing `metrics.jsonl`, `samples.npy`, `gan.safetensors` and
/// `summary.json` into `--out`, each atomically.
struct GanTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP GAN on real vectors from a .npy or safetensors file ([n, d] floats in [0, 1]).",
        discussion: """
        Writes DIR/metrics.jsonl (step, d_loss, g_loss, d_accuracy every --log-interval steps and at the last \
        step), DIR/samples.npy (--samples generated points, float32 [n, d]), DIR/gan.safetensors (both players' \
        weights, config in the metadata) and DIR/summary.json (per-dimension mean/std of data and samples). \
        The run is a pure function of the data and the options.
        """
    )

    @Option(help: "Real data: FILE.npy or FILE.safetensors, float [n, d] (or [n]) with values in [0, 1].")
    var data: String
    @Option(help: "Tensor to read from a safetensors file (default: its only tensor).")
    var tensor: String?
    @Option(help: "Training steps (each: --d-steps discriminator updates, then one generator update).")
    var steps: Int = 3000
    @Option(help: "Random seed (initialization, minibatches, noise).")
    var seed: UInt64 = Self.defaults.seed
    @Option(help: "Output directory.")
    var out: String
    @Option(help: "Real and fake examples per minibatch (each).")
    var batchSize: Int = Self.defaults.batchSize
    @Option(help: "Dimension of the generator's Gaussian noise z.")
    var noiseDim: Int = Self.defaults.noiseDim
    @Option(help: "Generator hidden width.")
    var gHidden: Int = Self.defaults.generatorHidden
    @Option(help: "Discriminator hidden width.")
    var dHidden: Int = Self.defaults.discriminatorHidden
    @Option(help: "Generator learning rate.")
    var gLr: Float = Self.defaults.generatorLR
    @Option(help: "Discriminator learning rate.")
    var dLr: Float = Self.defaults.discriminatorLR
    @Option(help: "Optimizer: adam or sgd.")
    var optimizer: GANOptimizerKind = Self.defaults.optimizer
    @Option(help: "Adam beta1.")
    var beta1: Float = Self.defaults.beta1
    @Option(help: "Adam beta2.")
    var beta2: Float = Self.defaults.beta2
    @Option(help: "SGD momentum.")
    var momentum: Float = Self.defaults.momentum
    @Option(help: "Decay of the moving average of the generator's weights used for samples.npy (0: last iterate).")
    var gEma: Float = Self.defaults.generatorEMA
    @Option(help: "Discriminator steps per generator step (k).")
    var dSteps: Int = Self.defaults.discriminatorSteps
    @Option(help: "Generator loss: minimax (log(1 - D(G(z)))) or non-saturating (-log D(G(z))).")
    var loss: GANGeneratorLoss = Self.defaults.generatorLoss
    @Option(help: "Generated points written to samples.npy.")
    var samples: Int = 2000
    @Option(help: "Write a metrics row every N steps (and at the last step).")
    var logInterval: Int = 10
    @Option(help: "Matrix-product kernel: blas (OpenBLAS sgemm) or naive (reference loops).")
    var gemm: GANGemm = Self.defaults.gemm
    @Option(help: "OpenBLAS threads (the matrices are small: 1 is fastest).")
    var threads: Int = 1

    /// `GANConfig`'s defaults, shown by --help and used for every flag not given (the data dimension comes from
    /// --data).
    private static let defaults = GANConfig(dataDim: 1)

    func validate() throws {
        if steps < 1 { throw ValidationError("--steps must be ≥ 1") }
        try Limits.check("--samples", samples, in: 1...(1 << 30))
        if logInterval < 1 { throw ValidationError("--log-interval must be ≥ 1") }
    }

    func run() async throws {
        try await runCLI {
            GANGemm.setBLASThreads(try Limits.threads("--threads", threads))
            let dataset = try GANDataset.load(URL(fileURLWithPath: data), tensor: tensor)
            var config = GANConfig(dataDim: dataset.dim)
            config.noiseDim = noiseDim
            config.generatorHidden = gHidden
            config.discriminatorHidden = dHidden
            config.batchSize = batchSize
            config.generatorLR = gLr
            config.discriminatorLR = dLr
            config.optimizer = optimizer
            config.beta1 = beta1
            config.beta2 = beta2
            config.momentum = momentum
            config.discriminatorSteps = dSteps
            config.generatorLoss = loss
            config.seed = seed
            config.generatorEMA = gEma
            config.gemm = gemm
            try Limits.memory("--samples \(samples) × \(dataset.dim) dimensions", bytes: 8 * Double(samples) * Double(dataset.dim))
            let trainer = try GANTrainer(config: config, data: dataset)
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let metrics = try AtomicFileWriter(url: dir.appendingPathComponent("metrics.jsonl"))
            let progress = ProgressReporter("gan train", total: Double(steps), unit: "steps")
            let start = Date()
            for s in 1...steps {
                let m = trainer.step()
                guard m.discriminatorLoss.isFinite, m.generatorLoss.isFinite else {
                    throw AIGCError.input(location: "gan", message: "training diverged at step \(s): non-finite loss (d_loss \(m.discriminatorLoss), g_loss \(m.generatorLoss)); lower the learning rates (nothing was written)")
                }
                if s % logInterval == 0 || s == steps {
                    // The first row records where the run ran (CPU, OpenBLAS kernels and threads).
                    let machine = s == min(logInterval, steps) ? "," + OpenBLASRuntime.metricsFields(threads: 1).joined(separator: ",") : ""
                    try metrics.write(Data("{\"step\":\(s),\"d_loss\":\(m.discriminatorLoss),\"g_loss\":\(m.generatorLoss),\"d_accuracy\":\(m.discriminatorAccuracy)\(machine)}\n".utf8))
                }
                progress.advance(by: 1, note: String(format: "d_loss %.3f g_loss %.3f acc %.2f", m.discriminatorLoss, m.generatorLoss, m.discriminatorAccuracy))
            }
            progress.finish()
            let points = trainer.sample(count: samples, seed: seed ^ 0x5A4D_504C_4553)  // "SAMPLES": a stream apart from training
            // Finite losses do not guarantee finite samples (a huge --g-lr can overflow the generator's weights).
            if let k = points.firstIndex(where: { !$0.isFinite }) {
                throw AIGCError.input(location: "gan", message: "generated sample \(k / dataset.dim) has a non-finite value (\(points[k])): the generator diverged; lower --g-lr (nothing was written)")
            }
            try metrics.commit()
            try Npy.write(try NpyArray(floats: points, shape: [samples, dataset.dim]), to: dir.appendingPathComponent("samples.npy"))
            try trainer.weights().write(to: dir.appendingPathComponent("gan.safetensors"))
            let real = GANDataset.moments(dataset.values, dim: dataset.dim)
            let fake = GANDataset.moments(points, dim: dataset.dim)
            func list(_ a: [Double]) -> String { "[" + a.map { "\($0)" }.joined(separator: ",") + "]" }
            let summary = "{\"steps\":\(steps),\"data_points\":\(dataset.count),\"dim\":\(dataset.dim),\"samples\":\(samples),"
                + "\"data_mean\":\(list(real.mean)),\"data_std\":\(list(real.std)),"
                + "\"sample_mean\":\(list(fake.mean)),\"sample_std\":\(list(fake.std))}\n"
            try AtomicFile.write(summary, to: dir.appendingPathComponent("summary.json"))
            let secs = Date().timeIntervalSince(start)
            logStderr(String(format: "gan: %d steps in %.2f s; data mean %@ std %@; samples mean %@ std %@", steps, secs,
                             real.mean.map { String(format: "%.3f", $0) }.joined(separator: ","),
                             real.std.map { String(format: "%.3f", $0) }.joined(separator: ","),
                             fake.mean.map { String(format: "%.3f", $0) }.joined(separator: ","),
                             fake.std.map { String(format: "%.3f", $0) }.joined(separator: ",")))
        }
    }
}
