import AIGC
import ArgumentParser
import Foundation

struct ModelsRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Copy a model directory into the store under a name (everything but the optimizer state).",
        discussion: "The directory's aigc-model.json, if any, is kept; --tokenizer and --chat-template set its fields."
    )

    @Argument(help: "Model directory (config.json + model.safetensors; DIR/best of a fine-tuning run is used when present).")
    var directory: String
    @Option(help: "Name to register it under.") var name: String
    @Option(help: "The tokenizer: a named encoding or a file name inside the model directory.") var tokenizer: String?
    @Option(help: "Chat template the model was trained with: chatml, llama3, plain.") var chatTemplate: ChatTemplate?
    @Flag(help: "Replace a model registered under the same name.") var replace = false

    func run() async throws {
        try await runCLI {
            let dir = try DialogueCLISupport.modelDirectory(directory)
            var card = try ModelCard.load(directory: dir) ?? ModelCard()
            if let tokenizer { card.tokenizer = tokenizer }
            if let chatTemplate { card.chatTemplate = chatTemplate.rawValue }
            if card.created == nil { card.created = ISO8601DateFormatter().string(from: Date()) }
            card.trainedFrom["registered_from"] = card.trainedFrom["registered_from"] ?? dir.standardizedFileURL.path
            let dest = try ModelStore().register(dir, as: name, card: card, replace: replace)
            logStderr("registered '\(name)': \(dest.path)")
        }
    }
}
