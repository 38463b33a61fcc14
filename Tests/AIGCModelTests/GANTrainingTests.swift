import AIGCCore
import AIGCFormats
import AIGCModel
import Foundation
import Testing

/// The classic GAN learns known distributions, deterministically.
@Suite struct GANTrainingTests {
    static func gaussian(count: Int, mean: [Float], std: [Float], seed: UInt64) throws -> GANDataset {
        var rng = Xoshiro256(seed: seed)
        var v: [Float] = []
        for _ in 0..<count { for j in mean.indices { v.append(min(1, max(0, mean[j] + std[j] * rng.nextNormalFloat()))) } }
        return try GANDataset(values: v, count: count, dim: mean.count)
    }

    /// Stated tolerance (the acceptance check): after 3,000 steps with the default configuration, 2,000
    /// samples have every per-dimension mean within 0.05 and standard deviation within 50% of the data's.
    static func expectLearned(_ data: GANDataset, loss: GANGeneratorLoss, seed: UInt64) throws {
        var config = GANConfig(dataDim: data.dim)
        config.seed = seed
        config.generatorLoss = loss
        let t = try GANTrainer(config: config, data: data)
        var accuracies: [Double] = []
        for _ in 0..<3000 { accuracies.append(t.step().discriminatorAccuracy) }
        let real = GANDataset.moments(data.values, dim: data.dim)
        let fake = GANDataset.moments(t.sample(count: 2000, seed: 1), dim: data.dim)
        for j in 0..<data.dim {
            #expect(abs(fake.mean[j] - real.mean[j]) <= 0.05, "dim \(j): mean \(fake.mean[j]) vs \(real.mean[j])")
            #expect(fake.std[j] >= 0.5 * real.std[j] && fake.std[j] <= 1.5 * real.std[j], "dim \(j): std \(fake.std[j]) vs \(real.std[j])")
        }
        // At the end D can no longer tell: its accuracy over the last 500 steps is near chance.
        let late = accuracies.suffix(500).reduce(0, +) / 500
        #expect(late < 0.7, "late D accuracy \(late)")
        // Before training, a sample is far from the target (the test is not passing by construction).
        let untrained = try GANTrainer(config: config, data: data)
        let before = GANDataset.moments(untrained.sample(count: 2000, seed: 1), dim: data.dim)
        #expect((0..<data.dim).contains { abs(before.mean[$0] - real.mean[$0]) > 0.05 || before.std[$0] > 1.5 * real.std[$0] })
    }

    @Test func learns2DBlobMinimax() throws {
        try Self.expectLearned(try Self.gaussian(count: 2000, mean: [0.3, 0.7], std: [0.08, 0.05], seed: 21), loss: .minimax, seed: 1)
    }

    @Test func learns1DTargetNonSaturating() throws {
        try Self.expectLearned(try Self.gaussian(count: 2000, mean: [0.6], std: [0.1], seed: 22), loss: .nonSaturating, seed: 2)
    }

    /// Same config and data: bit-identical parameters and metrics; another seed: a different run. The naive
    /// kernel follows the same trajectory as OpenBLAS up to rounding.
    @Test func trainingIsDeterministic() throws {
        let data = try Self.gaussian(count: 200, mean: [0.4, 0.5], std: [0.1, 0.1], seed: 3)
        func run(seed: UInt64, gemm: GANGemm = .blas, optimizer: GANOptimizerKind = .adam) throws -> ([Float], [GANStepMetrics], [Float]) {
            var c = GANConfig(dataDim: 2)
            c.seed = seed
            c.gemm = gemm
            c.optimizer = optimizer
            if optimizer == .sgd { c.generatorLR = 0.05; c.discriminatorLR = 0.05; c.momentum = 0.5 }
            let t = try GANTrainer(config: c, data: data)
            let m = (0..<30).map { _ in t.step() }
            return (t.generatorParams.array + t.discriminatorParams.array, m, t.sample(count: 50, seed: 9))
        }
        let a = try run(seed: 1), b = try run(seed: 1), c = try run(seed: 2)
        #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
        #expect(a.0 != c.0)
        let n = try run(seed: 1, gemm: .naive)
        #expect(zip(a.0, n.0).allSatisfy { abs($0 - $1) < 1e-3 })
        let s1 = try run(seed: 1, optimizer: .sgd), s2 = try run(seed: 1, optimizer: .sgd)
        #expect(s1.0 == s2.0 && s1.0 != a.0)
    }

    @Test func badDataIsRejectedWithItsLocation() throws {
        #expect(throws: AIGCError.input(location: "x.npy", message: "value 1.5 at row 1, column 0 is outside [0, 1] (the generator's sigmoid range; rescale the data)")) {
            try GANDataset(values: [0.1, 0.2, 1.5, 0.3], count: 2, dim: 2, source: "x.npy")
        }
        #expect(throws: AIGCError.self) { try GANDataset(values: [0.1, .nan], count: 2, dim: 1) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gan-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 3-D arrays, integer arrays and multi-tensor files without --tensor are refused with a reason.
        let cube = dir.appendingPathComponent("cube.npy")
        try Npy.write(try NpyArray(floats: [Float](repeating: 0.5, count: 8), shape: [2, 2, 2]), to: cube)
        #expect(throws: AIGCError.self) { try GANDataset.load(cube) }
        let ints = dir.appendingPathComponent("ints.npy")
        try Npy.write(try NpyArray(int32s: [0, 1], shape: [2, 1]), to: ints)
        #expect(throws: AIGCError.self) { try GANDataset.load(ints) }
        var w = SafeTensorsWriter()
        try w.add("a", floats: [0.1, 0.2, 0.3, 0.4], shape: [2, 2])
        try w.add("b", floats: [0.5], shape: [1])
        let st = dir.appendingPathComponent("two.safetensors")
        try w.write(to: st)
        #expect(throws: AIGCError.self) { try GANDataset.load(st) }
        let a = try GANDataset.load(st, tensor: "a")
        #expect(a.count == 2 && a.dim == 2 && a.values == [0.1, 0.2, 0.3, 0.4])
        let b = try GANDataset.load(st, tensor: "b")
        #expect(b.count == 1 && b.dim == 1)
        // float64 .npy is read (converted).
        let f64 = dir.appendingPathComponent("f64.npy")
        let doubles: [Double] = [0.25, 0.75]
        try Npy.write(try NpyArray(dtype: .f64, shape: [2], bytes: doubles.withUnsafeBytes { Array($0) }), to: f64)
        #expect(try GANDataset.load(f64).values == [0.25, 0.75])
    }
}
