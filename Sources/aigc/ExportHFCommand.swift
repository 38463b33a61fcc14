import AIGC
import ArgumentParser
import Foundation

struct ExportHFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-hf",
        abstract: "Export a trained model directory to Hugging Face's GPT-2 layout (config.json, model.safetensors).",
        discussion: "The result loads with transformers' GPT2LMHeadModel.from_pretrained and gives the same logits."
    )

    @Argument(help: "Model directory written by `aigc pretrain`.") var model: String
    @Option(name: .shortAndLong, help: "Output directory.") var output: String

    func run() async throws {
        try await runCLI {
            try HFExport.export(modelDirectory: URL(fileURLWithPath: model), to: URL(fileURLWithPath: output))
        }
    }
}
