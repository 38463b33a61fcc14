import AIGCCore
import AIGCVocab
import Foundation

/// Finds the `Vocab/` directory at run time, in this order:
/// 1. `$AIGC_VOCAB_DIR` (an explicit override);
/// 2. the package's resource bundle (`VocabResources`: SwiftPM copies `Vocab/*.tiktoken` beside the executable or
///    into an app's resources, so an app using the package needs no source checkout);
/// 3. a `Vocab/` directory next to the running executable or in one of its parent directories (an installed
///    `bin/aigc` with `bin/../Vocab`, or `.build/release/aigc` inside a checkout);
/// 4. `Vocab/` in the current directory or one of its parents;
/// 5. the checkout this module was compiled from (`#filePath`), so tests and `swift run` work from a fresh clone.
public enum VocabLocator {
    public static func candidates() -> [URL] {
        var out: [URL] = []
        if let env = ProcessInfo.processInfo.environment["AIGC_VOCAB_DIR"], !env.isEmpty {
            out.append(URL(fileURLWithPath: env))
        }
        if let bundled = VocabResources.directory { out.append(bundled) }
        func walkUp(_ start: URL) {
            var dir = start
            for _ in 0..<8 {
                out.append(dir.appendingPathComponent("Vocab"))
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        if let p = Bundle.main.executableURL?.resolvingSymlinksInPath() { walkUp(p.deletingLastPathComponent()) }
        walkUp(exe.deletingLastPathComponent())
        walkUp(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        // Sources/AIGCTokenizer/Loading/VocabLocator.swift → repository root.
        let source = URL(fileURLWithPath: #filePath)
        out.append(source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("Vocab"))
        return out
    }

    /// The first candidate directory holding `fileName`.
    public static func find(_ fileName: String) throws -> URL {
        let fm = FileManager.default
        let cands = candidates()
        for dir in cands {
            let f = dir.appendingPathComponent(fileName)
            if fm.fileExists(atPath: f.path) { return f }
        }
        throw AIGCError.io("vocabulary file \(fileName) not found; set AIGC_VOCAB_DIR to the directory holding it "
                           + "(searched: \(Set(cands.map(\.path)).sorted().prefix(6).joined(separator: ", "))…)")
    }
}
