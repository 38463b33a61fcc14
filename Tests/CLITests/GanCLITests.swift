import Foundation
import Testing

/// `aigc gan train` end to end, on the bundled toy data set.
@Suite struct GanCLITests {
    /// Float32 rows of a C-order `.npy` written by `aigc` (version 1.0 header).
    static func readNpy(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        let b = [UInt8](try Data(contentsOf: url))
        #expect(Array(b[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let hl = Int(b[8]) | Int(b[9]) << 8
        let header = String(decoding: b[10..<(10 + hl)], as: UTF8.self)
        #expect(header.contains("'descr': '<f4'"))
        let shapeText = header[header.range(of: "(")!.upperBound..<header.range(of: ")")!.lowerBound]
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let data = Array(b[(10 + hl)...])
        let values = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        return (shape, values)
    }

    static func moments(_ v: [Float], dim: Int) -> (mean: [Double], std: [Double]) {
        let n = Double(v.count / dim)
        var mean = [Double](repeating: 0, count: dim), sq = mean
        for (i, x) in v.enumerated() { mean[i % dim] += Double(x) / n }
        for (i, x) in v.enumerated() { sq[i % dim] += (Double(x) - mean[i % dim]) * (Double(x) - mean[i % dim]) / n }
        return (mean, sq.map { $0.squareRoot() })
    }

    /// The acceptance check, exactly: 3,000 steps, seed 1, default options.
    @Test func trainsOnTheBlobFixture() throws {
        let dir = try CLI.tempDir("gan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = CLI.repoRoot.appendingPathComponent("Fixtures/gan/blob2d.npy")
        let r = try CLI.run(["gan", "train", "--data", data.path, "--steps", "3000", "--seed", "1", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 300)
        var lastStep = 0
        for line in lines {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            // The first row also records where the run ran (CPU, OpenBLAS kernels and threads).
            let machine: Set<String> = lastStep == 0 ? ["cpu", "openblas_core", "openblas_core_origin", "openblas_threads", "threads"] : []
            #expect(Set(o.keys) == Set(["step", "d_loss", "g_loss", "d_accuracy"]).union(machine))
            let step = try #require(o["step"] as? Int)
            #expect(step == lastStep + 10)
            lastStep = step
            let acc = try #require(o["d_accuracy"] as? Double)
            #expect((0...1).contains(acc))
            #expect((o["d_loss"] as? Double)?.isFinite == true && (o["g_loss"] as? Double)?.isFinite == true)
        }
        #expect(lastStep == 3000)
        let samples = try Self.readNpy(dir.appendingPathComponent("samples.npy"))
        #expect(samples.shape == [2000, 2] && samples.values.count == 4000)
        #expect(samples.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        let real = try Self.readNpy(data)
        let a = Self.moments(real.values, dim: 2), b = Self.moments(samples.values, dim: 2)
        for j in 0..<2 {
            #expect(abs(a.mean[j] - b.mean[j]) <= 0.05, "mean \(j): \(b.mean[j]) vs \(a.mean[j])")
            #expect(b.std[j] >= 0.5 * a.std[j] && b.std[j] <= 1.5 * a.std[j], "std \(j): \(b.std[j]) vs \(a.std[j])")
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gan.safetensors").path))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["samples"] as? Int == 2000)
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["gan.safetensors", "metrics.jsonl", "samples.npy", "summary.json"])
    }

    /// Same options, same bytes; the options change the run.
    @Test func runsAreReproducible() throws {
        let dir = try CLI.tempDir("gan-det")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = CLI.repoRoot.appendingPathComponent("Fixtures/gan/blob2d.npy").path
        var outputs: [[Data]] = []
        for (name, seed) in [("a", "4"), ("b", "4"), ("c", "5")] {
            let out = dir.appendingPathComponent(name)
            let r = try CLI.run(["gan", "train", "--data", data, "--steps", "60", "--seed", seed, "--samples", "1000",
                                 "--log-interval", "1", "--out", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try ["metrics.jsonl", "samples.npy", "gan.safetensors"].map { try Data(contentsOf: out.appendingPathComponent($0)) })
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0][1] != outputs[2][1])
    }

    /// Issue 20: `--g-lr 1e30` once wrote NaN samples and a summary.json with `-nan` (invalid JSON), exit 0. A
    /// generator that overflows (finite losses, non-finite samples) and a loss that overflows are errors naming
    /// the value, and nothing is written. Each case fails if its guard is removed.
    @Test func nonFiniteSamplesAndLossesAreErrorsNamingTheValue() throws {
        let dir = try CLI.tempDir("gan-nan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = CLI.repoRoot.appendingPathComponent("Fixtures/gan/blob2d.npy").path
        for (flags, expected) in [(["--g-lr", "1e38"], "has a non-finite value ("),
                                  // inf or nan, depending on the OpenBLAS kernels in use: the next check wants it named.
                                  (["--d-lr", "1e38"], "non-finite loss (d_loss ")] {
            let out = dir.appendingPathComponent(flags.joined())
            let r = try CLI.run(["gan", "train", "--data", data, "--steps", "200", "--out", out.path] + flags)
            #expect(r.status == 1, "\(flags): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(flags): \(r.stderr)")
            #expect(r.stderr.contains("nan") || r.stderr.contains("inf"), "the value is not named: \(r.stderr)")
            for f in ["samples.npy", "summary.json", "metrics.jsonl", "gan.safetensors"] {
                #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(flags) wrote \(f)")
            }
        }
    }

    @Test func badInputGivesOneClearLine() throws {
        let dir = try CLI.tempDir("gan-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A value outside [0, 1]: named by row and column.
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var file: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)] + header
        for v: Float in [0.1, 0.2, 0.3, 2.5] { withUnsafeBytes(of: v) { file.append(contentsOf: $0) } }
        let bad = dir.appendingPathComponent("bad.npy")
        try Data(file).write(to: bad)
        let r = try CLI.run(["gan", "train", "--data", bad.path, "--steps", "5", "--out", dir.appendingPathComponent("o").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.npy: value 2.5 at row 1, column 1 is outside [0, 1]"), "\(r.stderr)")
        // Not a tensor file at all.
        let junk = dir.appendingPathComponent("junk.npy")
        try Data("hello".utf8).write(to: junk)
        let j = try CLI.run(["gan", "train", "--data", junk.path, "--out", dir.appendingPathComponent("o").path])
        #expect(j.status == 1 && j.stderr.contains("junk.npy"), "\(j.stderr)")
        // Missing file.
        let m = try CLI.run(["gan", "train", "--data", dir.appendingPathComponent("nope.npy").path, "--out", dir.path])
        #expect(m.status == 1 && m.stderr.contains("nope.npy"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o/metrics.jsonl").path))
    }
}
