import AIGCCore
import ArgumentParser
import AIGC
import Foundation

/// `aigc evaluate`: reply perplexity (per token and per word) of a model on a packed corpus split, and sampled
/// replies to held-out contexts beside the human ones.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Reply perplexity (per token and per word) of a model on a built corpus, with sample replies.",
        discussion: """
        Scores every trained token of --corpus's --split (the assistant replies and their end-of-turn token) in one \
        deterministic pass. Per-word perplexity is exp(total reply NLL / words), words being the whitespace-separated \
        words of the replies' text, so models with different tokenizers compare on it. With --samples N, also \
        samples replies to N contexts spread evenly over the split (seeded) and prints them beside the human reply. \
        Prints one JSON object to stdout.
        """
    )

    @Option(help: "Model directory (DIR/best when present, e.g. aigc finetune's output) or a registered model name.")
    var model: String
    @Option(help: "Corpus directory (aigc corpus build, safetensors).")
    var corpus: String
    @Option(help: "Tokenizer for counting words (a named encoding or a tokenizer file; default: the model directory's tokenizer.json, else the one the corpus manifest names).")
    var tokenizer: String?
    @Option(help: "Split to score: val or train.")
    var split: String = "val"
    @Option(help: "Rows per forward pass.")
    var batchSize: Int = 8
    @Option(help: "Contexts to sample replies for (0: none).")
    var samples: Int = 0
    @Option(help: "Longest sampled reply, in tokens.")
    var maxReplyTokens: Int = 40
    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Double = 0.8
    @Option(help: "Sample among the k most likely tokens (0: all).")
    var topK: Int = 0
    @Option(help: "Seed of the sampled replies.")
    var seed: UInt64 = 1337
    @Option(help: "Worker threads.")
    var threads: Int = Limits.cores

    func run() async throws {
        try await runCLI {
            guard split == "val" || split == "train" else { throw ValidationError("--split must be val or train, not '\(split)'") }
            try Limits.check("--batch-size", batchSize, in: 1...4096)
            try Limits.check("--samples", samples, in: 0...100_000)
            try Limits.check("--max-reply-tokens", maxReplyTokens, in: 1...4096)
            try Limits.check("--top-k", topK, in: 0...1 << 24)
            try Limits.check("--temperature", temperature, in: 0...100)
            let threads = try Limits.threads("--threads", threads)
            let data = try PackedCorpus(directory: URL(fileURLWithPath: corpus), split: split)
            let modelDir = try DialogueCLISupport.modelDirectory(model)
            let gpt = try GPTModel.load(directory: modelDir)
            guard data.vocabSize <= gpt.config.vocabSize else {
                throw ValidationError("--corpus \(corpus) uses token ids up to \(data.vocabSize - 1), beyond the model's vocabulary of \(gpt.config.vocabSize) (evaluate a model trained or fine-tuned on this corpus's tokenizer)")
            }
            guard data.seqLen <= gpt.config.blockSize else {
                throw ValidationError("--corpus \(corpus) has rows of \(data.seqLen) tokens, longer than the model's block size \(gpt.config.blockSize)")
            }
            let tokenizer = try wordTokenizer(modelDir, data)
            let endToken = data.specialTokens["<|im_end|>"] ?? data.specialTokens["<|eot_id|>"] ?? data.specialTokens["<|endoftext|>"]
            let special = Set(data.specialTokens.values)
            let plain = CorpusTextDecoder.make(tokenizer, specialTokens: [:])
            let withMarkers = CorpusTextDecoder.make(tokenizer, specialTokens: data.specialTokens)
            let engine = try makeEngine(gpt, rows: batchSize, time: data.seqLen, threads: threads)
            let result = ReplyEvaluation.run(engine: engine, corpus: data, batchSize: batchSize, endToken: endToken) {
                ReplyEvaluation.wordCount(plain($0.filter { !special.contains($0) }))
            }
            var out: [String: Any] = [
                "model": model, "corpus": corpus, "split": result.split, "rows": result.rows, "replies": result.replies,
                "tokens": result.tokens, "words": result.words, "nll": result.nll, "loss": result.meanLoss,
                "token_perplexity": result.tokenPerplexity, "word_perplexity": result.wordPerplexity,
            ]
            if samples > 0 {
                out["samples"] = try sampleReplies(gpt, data, endToken: endToken,
                                                   text: { plain($0.filter { !special.contains($0) }) }, context: withMarkers)
            }
            let json = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
            try StandardOutput.write(json)
            try StandardOutput.write("\n")
        }
    }

    /// `--tokenizer`, else the model's `tokenizer.json` (a registered or pipeline model carries one; its parent
    /// directory's when DIR/best was picked), else the corpus manifest's tokenizer.
    private func wordTokenizer(_ modelDir: URL, _ data: PackedCorpus) throws -> any CorpusTokenizer {
        if let tokenizer { return try CorpusTokenizerSpec.resolve(tokenizer) }
        for dir in [modelDir, modelDir.deletingLastPathComponent()] {
            let file = dir.appendingPathComponent("tokenizer.json").path
            if FileManager.default.fileExists(atPath: file) { return try CorpusTokenizerSpec.resolve(file) }
        }
        guard let name = data.tokenizerName, let t = try? CorpusTokenizerSpec.resolve(name) else {
            throw ValidationError("no tokenizer to count words with: --model \(model) has no tokenizer.json and the corpus manifest's '\(data.tokenizerName ?? "")' cannot be loaded here (pass --tokenizer)")
        }
        return t
    }

    private func makeEngine(_ gpt: GPTModel, rows: Int, time: Int, threads: Int) throws -> GPTEngine {
        try GPTEngine.checkMemory(config: gpt.config, batchSize: rows, time: time, shards: 1, training: false)
        return GPTEngine(model: gpt, batchSize: rows, time: time, shards: 1, threads: threads, training: false)
    }

    /// `samples` contexts spread evenly over the split, each with the human reply and one sampled reply.
    private func sampleReplies(_ gpt: GPTModel, _ data: PackedCorpus, endToken: Int32?,
                               text: ([Int32]) -> String, context: ([Int32]) -> String) throws -> [[String: String]] {
        let block = gpt.config.blockSize
        let maxReply = min(maxReplyTokens, block - 1)
        let human = data.pairs(maxContext: block - maxReply, maxReply: data.seqLen)
        guard !human.isEmpty else { return [] }
        let n = min(samples, human.count)
        let picked = (0..<n).map { human[$0 * human.count / n] }
        let sampler = ReplySampler(maxTokens: maxReply, stopToken: endToken, temperature: Float(temperature), topK: topK)
        var rng = Xoshiro256(seed: seed)
        let decoder = try BatchedDecoder(model: gpt, slots: 8, maxStepTokens: 8 * block)
        let replies = try sampler.sample(decoder: decoder, contexts: picked.map(\.context), rng: &rng)
        return zip(picked, replies).map { p, r in
            ["context": Self.lastTurn(context(p.context)), "human": text(p.reply), "model": text(r)]
        }
    }

    /// The last user turn of a rendered context (ChatML or Llama 3 markers), else its last 300 characters.
    static func lastTurn(_ s: String) -> String {
        for (open, close) in [("<|im_start|>user\n", "<|im_end|>"), ("<|start_header_id|>user<|end_header_id|>\n\n", "<|eot_id|>")] {
            if let r = s.range(of: open, options: .backwards) {
                let rest = s[r.upperBound...]
                return String(rest.range(of: close).map { rest[..<$0.lowerBound] } ?? rest)
            }
        }
        return String(s.suffix(300))
    }
}
