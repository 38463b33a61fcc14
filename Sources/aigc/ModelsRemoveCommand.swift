import AIGC
import ArgumentParser
import Foundation

struct ModelsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete a registered model.")

    @Argument(help: "Model name.") var name: String

    func run() async throws {
        try await runCLI {
            let store = ModelStore()
            try store.remove(name)
            logStderr("removed '\(name)' from \(store.root.path)")
        }
    }
}
