import AIGC
import ArgumentParser
import Foundation

struct ImportHFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-hf",
        abstract: "Import a Hugging Face GPT-2 checkpoint (config.json, model.safetensors; tokenizer.json or vocab.json + merges.txt) as a model directory.",
        discussion: """
        The result fine-tunes, trains adversarially, generates and exports like a model `aigc pretrain` wrote, and \
        gives the same logits as transformers' GPT2LMHeadModel. Other architectures, untied LM heads, other \
        activations or MLP widths are refused naming the config key or tensor; nothing is written then.
        """
    )

    @Argument(help: "Hugging Face model directory (GPT-2 layout).") var hfDirectory: String
    @Option(name: .shortAndLong, help: "Output model directory.") var output: String

    func run() async throws {
        try await runCLI {
            let m = try HFImport.importModel(from: URL(fileURLWithPath: hfDirectory), to: URL(fileURLWithPath: output))
            let c = m.config
            logStderr("aigc import-hf: \(c.nLayer) layers, \(c.nHead) heads, \(c.nEmbd) wide, block \(c.blockSize), vocabulary \(c.vocabSize) → \(output)")
        }
    }
}
