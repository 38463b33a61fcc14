import AIGC
import ArgumentParser
import Foundation

struct ExportHFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-hf",
        abstract: "Export a trained model directory to Hugging Face's GPT-2 layout (config.json, model.safetensors).",
        discussion: "The result loads with transformers' GPT2LMHeadModel.from_pretrained and gives the same logits."
    )

    @Argument(help: "Model directory written by `aigc pretrain`, or a registered model name.") var model: String
    @Option(name: .shortAndLong, help: "Output directory.") var output: String
    @Option(help: """
        Tokenizer to write as HFDIR/tokenizer.json (named encoding or tokenizer file; default: MODEL/tokenizer.json \
        if present). Its ids must fit the model's vocabulary.
        """) var tokenizer: String?

    func run() async throws {
        try await runCLI {
            let out = URL(fileURLWithPath: output)
            let modelURL = try ModelStore.resolve(model)
            // Check the tokenizer before writing anything, so a mismatch leaves no half-made export behind.
            var tok: Tokenizer?
            // A named model whose card names an encoding (cl100k_base …) has no tokenizer.json: export that encoding.
            let cardEncoding = try ModelCard.load(directory: modelURL)?.tokenizer.flatMap { NamedEncoding.named($0) != nil ? $0 : nil }
            if let tokenizer = tokenizer ?? cardEncoding {
                guard let t = try TokenCodecLoader.loadBPE(tokenizer) else {
                    throw ValidationError("--tokenizer \(tokenizer): a character meta.json has no tokenizer.json form; give a BPE tokenizer")
                }
                let config = try GPTConfig.load(modelURL.appendingPathComponent("config.json"))
                try TokenCodecLoader.ensureFits(t, spec: tokenizer, vocabularySize: config.vocabSize)
                tok = t
            }
            try HFExport.export(modelDirectory: modelURL, to: out)
            guard let tok else { return }
            try tok.save(tokenizerJSON: out.appendingPathComponent("tokenizer.json"))
        }
    }
}
