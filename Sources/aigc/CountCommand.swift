import ArgumentParser
import AIGC
import Foundation

struct CountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count tokens per file and in total (special-token text counts as ordinary text).",
        discussion: "Prints `COUNT NAME` per input (stdin: `-`) and `TOTAL total` when there are several."
    )

    @OptionGroup var tok: TokenizerOptions
    @Argument(help: "Input files (default: stdin).")
    var files: [String] = []

    func run() async throws {
        try await runCLI {
            let t = try tok.load()
            let names = files.isEmpty ? ["-"] : files
            var total = 0
            var out = ""
            for f in names {
                let bytes = try InputFile.readAll(f)
                if let bad = bytes.withUnsafeBufferPointer({ UTF8Bytes.firstInvalid($0) }) {
                    throw AIGCError.input(location: f == "-" ? "stdin" : f, message: "invalid UTF-8 at byte \(bad)")
                }
                let n = bytes.withUnsafeBufferPointer { t.count(bytes: $0) }
                try t.checkPreTokenizer()
                total += n
                out += "\(n) \(f)\n"
            }
            if names.count > 1 { out += "\(total) total\n" }
            try StandardOutput.write(out)
        }
    }
}
