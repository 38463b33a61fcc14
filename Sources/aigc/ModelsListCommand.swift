import AIGC
import ArgumentParser
import Foundation

struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the registered models: name, chat template, tokenizer, validation loss, created.",
        discussion: "Prints a table, or one JSON object per model with --json. Broken entries are listed with their problem."
    )

    @Flag(help: "One JSON object per line: name, path, card, problem.") var json = false

    func run() async throws {
        try await runCLI {
            let store = ModelStore()
            let entries = try store.list()
            var out = ""
            if json {
                for e in entries { out += try ModelsShowCommand.jsonLine(e) }
            } else if entries.isEmpty {
                logStderr("no models in \(store.root.path)")
            } else {
                var rows = [["NAME", "TEMPLATE", "TOKENIZER", "VAL_LOSS", "CREATED"]]
                for e in entries {
                    if let p = e.problem { rows.append([e.name, "-", "-", "-", "(\(p))"]); continue }
                    let c = e.card
                    rows.append([e.name, c?.chatTemplate ?? "-", c?.tokenizer ?? "-",
                                 c?.metrics["val_loss"].map { String(format: "%.4f", $0) } ?? "-", c?.created ?? "-"])
                }
                out = TextTable.render(rows)
            }
            try StandardOutput.write(out)
        }
    }
}
