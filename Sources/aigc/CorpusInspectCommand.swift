import ArgumentParser
import AIGC
import Foundation

struct CorpusInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a built corpus's summary (every file checked against the manifest's size and SHA-256 first), or rows decoded back to text with trained spans in ⟦…⟧."
    )

    @Option(help: "Row (safetensors/npy), document (megatron) or seq-len window (nanogpt) to print.")
    var row: Int?
    @Option(help: "Number of rows to print from --row.")
    var count = 1
    @Option(help: "Split: train or val.")
    var split: Split = .train
    @Argument(help: "Corpus directory (with manifest.json).")
    var directory: String

    func run() async throws {
        try await runCLI {
            let dir = URL(fileURLWithPath: directory)
            let manifest = try CorpusLayout.readManifest(in: dir)
            let base = try CorpusTokenizerSpec.resolve(manifest.tokenizer.name)
            let inspector = try CorpusInspector(directory: dir, decode: { base.decode($0) })
            guard let row else {
                let checked = try inspector.verifyFiles()
                var lines = ["records_in=\(manifest.recordsIn) records_kept=\(manifest.recordsKept)"]
                for (k, v) in manifest.dropped.sorted(by: { $0.key < $1.key }) { lines.append("dropped.\(k)=\(v)") }
                for (s, st) in manifest.splits.sorted(by: { $0.key < $1.key }) {
                    lines.append("\(s): documents=\(st.documents) rows=\(st.rows) tokens=\(st.tokens) trained=\(st.trainedTokens) padding=\(st.paddingTokens)")
                }
                lines.append(String(format: "trained_token_fraction=%.4f", manifest.trainedTokenFraction))
                lines.append("files_verified=\(checked)")
                try StandardOutput.line(lines.joined(separator: "\n"))
                return
            }
            for r in row..<(row + max(1, count)) {
                guard let (ids, labels, segs) = try inspector.row(r, split: split) else {
                    throw AIGCError.usage("\(split.rawValue) has no row \(r)")
                }
                try StandardOutput.line("=== \(split.rawValue) row \(r): \(ids.count) tokens, \(labels.filter { $0 != -100 }.count) trained ===")
                try StandardOutput.line(inspector.render(ids: ids, labels: labels, segments: segs))
            }
        }
    }
}

extension Split: ExpressibleByArgument {}
