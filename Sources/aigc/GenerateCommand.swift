import AIGC
import ArgumentParser
import Foundation

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a trained model (KV cache, OpenAI sampling parameters).",
        discussion: """
        Prints an OpenAI-style completion object: {"choices": [{"index", "text", "finish_reason", "logprobs"?}], \
        "usage"}. With --stream, prints one JSON object per text delta ({"index", "text"}) and then one per \
        finished choice ({"index", "finish_reason"}). The tokenizer is --tokenizer, else the model directory's \
        meta.json (nanoGPT character vocabulary); without one, use --prompt-ids and read token ids back.
        """
    )

    @Option(help: "Model directory or registered model name (aigc models list).") var model: String
    @Option(help: """
        Tokenizer: a named encoding (cl100k_base, o200k_base), an HF tokenizer.json, a .tiktoken file, or a nanoGPT \
        character meta.json (default: MODEL/meta.json, then MODEL/tokenizer.json, if present).
        """) var tokenizer: String?
    @Option(help: "Prompt text.") var prompt: String?
    @Option(help: "Prompt as comma-separated token ids (no tokenizer needed).") var promptIds: String?
    @Option var maxTokens: Int = 16
    @Option var temperature: Double = 1.0
    @Option var topK: Int = 0
    @Option var topP: Double = 1.0
    @Option var n: Int = 1
    @Option(help: "Stop sequence (repeatable, up to 4).") var stop: [String] = []
    @Option(help: "Random seed (default: random).") var seed: UInt64?
    @Option var presencePenalty: Double = 0
    @Option var frequencyPenalty: Double = 0
    @Option(help: "Return the top K log-probabilities per token.") var logprobs: Int?
    @Flag(help: "Stream deltas as JSON lines.") var stream = false
    @Option(help: "Threads for OpenBLAS (generation runs one batch).") var threads: Int = 1
    @Option(help: "Precision of the linear layers' weights: fp32 or bf16 (as aigc serve --weights).") var weights: WeightPrecision = .fp32

    func run() async throws {
        try await runCLI {
            let dir = try ModelStore.resolve(model)
            let m = try GPTModel.load(directory: dir)
            openBLASThreads(try Limits.threads("--threads", threads))
            let codec: (any TokenCodec)? = try tokenizer.map { try TokenCodecLoader.load($0) }
                ?? TokenCodecLoader.load(modelDirectory: dir)
            let ids: [Int32]
            switch (prompt, promptIds) {
            case (let text?, nil):
                guard let codec else { throw ValidationError("no tokenizer: pass --tokenizer NAME|FILE or use --prompt-ids") }
                ids = try codec.encode(text)
            case (nil, let list?):
                ids = try list.split(separator: ",").map {
                    guard let v = Int32($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--prompt-ids: '\($0)' is not an integer") }
                    return v
                }
            default: throw ValidationError("give exactly one of --prompt and --prompt-ids")
            }
            var p = SamplingParameters()
            p.maxTokens = maxTokens; p.temperature = temperature; p.topK = topK; p.topP = topP; p.n = n; p.stop = stop
            p.seed = seed ?? UInt64.random(in: 0...UInt64.max); p.presencePenalty = presencePenalty
            p.frequencyPenalty = frequencyPenalty; p.logprobs = logprobs
            func line(_ obj: [String: Any]) throws {
                try StandardOutput.write(try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) + Data("\n".utf8))
            }
            let results = try Generator(model: m, weights: weights).generate(prompt: ids, parameters: p, codec: codec, onDelta: stream ? { i, bytes in
                try? line(["index": i, "text": String(decoding: bytes, as: UTF8.self)])
            } : nil)
            func tokenText(_ t: Int32) -> Any { codec.map { String(decoding: $0.bytes(of: t), as: UTF8.self) } ?? Int(t) }
            if stream {
                for r in results { try line(["index": r.index, "finish_reason": r.finishReason]) }
                return
            }
            let choices: [[String: Any]] = results.map { r in
                var c: [String: Any] = ["index": r.index, "finish_reason": r.finishReason,
                                        "text": codec == nil ? "" : r.text, "tokens": r.tokens.map(Int.init)]
                if let lp = r.logprobs {
                    c["logprobs"] = [
                        "tokens": lp.map { tokenText($0.token) },
                        "token_logprobs": lp.map(\.logprob),
                        "top_logprobs": lp.map { e in e.top.map { ["token": tokenText($0.token), "logprob": $0.logprob] } },
                    ]
                }
                return c
            }
            let completion = results.reduce(0) { $0 + $1.tokens.count }
            try line(["object": "text_completion", "choices": choices,
                      "usage": ["prompt_tokens": ids.count, "completion_tokens": completion, "total_tokens": ids.count + completion]])
        }
    }
}
