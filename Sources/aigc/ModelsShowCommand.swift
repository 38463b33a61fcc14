import AIGC
import ArgumentParser
import Foundation

struct ModelsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a registered model: its directory, files and aigc-model.json, as one JSON object."
    )

    @Argument(help: "Model name.") var name: String

    /// `{"name", "path", "card", "files": {name: bytes}, "problem"?}` and a newline.
    static func jsonLine(_ e: ModelStore.Entry, pretty: Bool = false) throws -> String {
        var obj: [String: Any] = ["name": e.name, "path": e.directory.path]
        if let card = e.card {
            obj["card"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(card))
        }
        if let p = e.problem { obj["problem"] = p }
        var files: [String: Int] = [:]
        for f in (try? FileManager.default.contentsOfDirectory(atPath: e.directory.path)) ?? [] {
            files[f] = (try? FileManager.default.attributesOfItem(atPath: e.directory.appendingPathComponent(f).path)[.size] as? Int) ?? 0
        }
        obj["files"] = files
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: options), as: UTF8.self) + "\n"
    }

    func run() async throws {
        try await runCLI {
            let e = try ModelStore().show(name)
            try StandardOutput.write(try Self.jsonLine(e, pretty: true))
            if let p = e.problem { throw AIGCError.io("model '\(name)': \(p)") }
        }
    }
}
