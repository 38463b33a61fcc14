import AIGCFuzzTargets
import Foundation
import Testing

/// Replays every input the fuzzer ever crashed on (`Fixtures/fuzz/TARGET/`, committed by `Scripts/fuzz.sh`) and
/// every seed (`Fuzz/seeds/TARGET/`) through the same target code the fuzzer runs. A regression is a crash here.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func inputs(_ dir: String, _ target: String) -> [URL] {
        let d = root.appendingPathComponent(dir).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { d.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func replay(target: String) throws {
        let run = try #require(FuzzTargets.all[target])
        let seeds = Self.inputs("Fuzz/seeds", target)
        #expect(!seeds.isEmpty, "Fuzz/seeds/\(target) has no seed inputs")
        for url in seeds { #expect(run(try Data(contentsOf: url)), "seed \(url.lastPathComponent) does not load") }
        // Findings: bad bytes; an error is the right answer, a crash is the regression.
        for url in Self.inputs("Fixtures/fuzz", target) where url.lastPathComponent != "README.md" { _ = run(try Data(contentsOf: url)) }
    }
}
