import ArgumentParser
import AIGC
import Foundation

struct ConvertTokenizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-tokenizer",
        abstract: "Write a tokenizer as HF tokenizer.json or .tiktoken (e.g. cl100k_base for HF tokenizers).",
        discussion: "The format follows the output name: *.json → tokenizer.json, anything else → .tiktoken."
    )

    @OptionGroup var tok: TokenizerOptions
    @Option(name: .shortAndLong, help: "Output file (tokenizer.json or NAME.tiktoken).")
    var output: String

    func run() async throws {
        try await runCLI {
            let t = try tok.load()
            let url = URL(fileURLWithPath: output)
            if output.hasSuffix(".json") { try t.save(tokenizerJSON: url) } else { try t.save(tiktoken: url) }
        }
    }
}
