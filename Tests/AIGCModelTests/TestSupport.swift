import AIGCFormats
import Foundation
import AIGCModel

enum TestSupport {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var golden: URL { repoRoot.appendingPathComponent("Fixtures/gpt-golden/golden.safetensors") }

    static func tmpDir(_ name: String) -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-model-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))-\(name)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// max |a − b| / (atol + rtol·|b|) ≤ 1 check, returning the worst ratio for reporting.
    static func worst(_ a: [Float], _ b: [Float], atol: Float, rtol: Float) -> Float {
        precondition(a.count == b.count, "\(a.count) vs \(b.count)")
        var w: Float = 0
        for i in a.indices {
            let r = abs(a[i] - b[i]) / (atol + rtol * abs(b[i]))
            if !(r <= w) { w = r.isNaN ? .infinity : r }
        }
        return w
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func randoms(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var r = Xoshiro256(seed: seed)
        return (0..<n).map { _ in Float(r.nextNormal()) * scale }
    }
}
