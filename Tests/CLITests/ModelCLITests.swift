import Foundation
import Testing

/// End-to-end: `aigc pretrain` → `aigc generate` → `aigc export-hf` on a tiny model, and clean one-line errors.
@Suite struct ModelCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/aigc")

    static func run(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func pretrainGenerateExport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-cli-model-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let tokens = (0..<3000).map { _ in UInt16.random(in: 0..<20, using: &rng) }
        let bin = dir.appendingPathComponent("train.bin")
        try tokens.withUnsafeBytes { try Data($0).write(to: bin) }
        let itos = (0..<20).map { String(UnicodeScalar(UInt8(97 + $0))) }  // a…t
        try JSONSerialization.data(withJSONObject: ["vocab_size": 20, "itos": itos]).write(to: dir.appendingPathComponent("meta.json"))
        let out = dir.appendingPathComponent("run").path
        let args = ["pretrain", "--train", bin.path, "--val", bin.path, "--vocab-size", "20", "--n-layer", "1", "--n-head", "2",
                    "--n-embd", "8", "--block-size", "16", "--batch-size", "2", "--max-iters", "4", "--eval-interval", "2",
                    "--eval-iters", "1", "--out", out]
        let r = try Self.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 4)  // evals at 0, 2, 4 + summary
        #expect(lines.last?.contains("\"summary\":true") == true)
        // The first evaluation row of a run says where it ran; the others do not repeat it.
        #expect(lines.first?.contains("\"cpu\":") == true && lines.first?.contains("\"openblas_core\":") == true
                && lines.first?.contains("\"openblas_threads\":1") == true, "\(lines.first ?? "")")
        #expect(lines.dropFirst().allSatisfy { !$0.contains("openblas_core") })
        for f in ["config.json", "model.safetensors", "optimizer.safetensors", "train_state.json", "metrics.jsonl", "loss.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }
        // Resume past the end continues from iteration 4.
        let again = try Self.run(args.map { $0 == "4" ? "6" : $0 } + ["--resume"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\"iter\":6"))
        #expect(!again.stdout.contains("\"iter\":2,"))
        let g = try Self.run(["generate", "--model", out, "--prompt-ids", "1,2,3", "--max-tokens", "5", "--temperature", "0"])
        #expect(g.status == 0, "\(g.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(g.stdout.utf8)) as? [String: Any]
        let choice = (obj?["choices"] as? [[String: Any]])?.first
        #expect((choice?["tokens"] as? [Int])?.count == 5)
        #expect(choice?["finish_reason"] as? String == "length")
        // The character vocabulary came along from the data directory, so text prompts work.
        let text = try Self.run(["generate", "--model", out, "--prompt", "abc", "--max-tokens", "4", "--seed", "1", "--stop", "zz"])
        #expect(text.status == 0, "\(text.stderr)")
        let t = try JSONSerialization.jsonObject(with: Data(text.stdout.utf8)) as? [String: Any]
        let tc = (t?["choices"] as? [[String: Any]])?.first
        #expect((tc?["text"] as? String)?.count == 4)
        let unknown = try Self.run(["generate", "--model", out, "--prompt", "ab?"])
        #expect(unknown.status != 0 && unknown.stderr.contains("byte 2"))
        let hf = dir.appendingPathComponent("hf").path
        let e = try Self.run(["export-hf", out, "--output", hf])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(FileManager.default.fileExists(atPath: hf + "/model.safetensors"))
    }

    /// A model trained on BPE ids: pretrain records the tokenizer, generate takes text prompts through it, export-hf
    /// writes it for transformers.
    @Test func bpeTokenizerThroughPretrainGenerateExport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-cli-bpe-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tok = Self.root.appendingPathComponent("Fixtures/tokenizer/hf-bytelevel.json").path
        let textFile = dir.appendingPathComponent("text.txt")
        try String(repeating: "the cat sat on the mat. hello world, said the dog.\n", count: 40).write(to: textFile, atomically: true, encoding: .utf8)
        let bin = dir.appendingPathComponent("train.bin").path
        let enc = try Self.run(["encode", "--tokenizer", tok, "--format", "u16", "--output", bin, textFile.path])
        #expect(enc.status == 0, "\(enc.stderr)")
        let out = dir.appendingPathComponent("run").path
        let r = try Self.run(["pretrain", "--train", bin, "--vocab-size", "702", "--n-layer", "1", "--n-head", "2", "--n-embd", "8",
                              "--block-size", "16", "--batch-size", "2", "--max-iters", "2", "--eval-interval", "2", "--eval-iters", "1",
                              "--tokenizer", tok, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/tokenizer.json"))
        let g = try Self.run(["generate", "--model", out, "--prompt", "hello world", "--max-tokens", "6", "--temperature", "0"])
        #expect(g.status == 0, "\(g.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(g.stdout.utf8)) as? [String: Any]
        let choice = (obj?["choices"] as? [[String: Any]])?.first
        let ids = choice?["tokens"] as? [Int] ?? []
        let usage = obj?["usage"] as? [String: Any]
        let promptFile = dir.appendingPathComponent("prompt.txt")
        try "hello world".write(to: promptFile, atomically: true, encoding: .utf8)
        let promptIds = try Self.run(["encode", "--tokenizer", tok, promptFile.path]).stdout.split(separator: " ")
        #expect(promptIds.count > 1 && usage?["prompt_tokens"] as? Int == promptIds.count)
        // The completion's text is exactly the decoding of its ids (up to a stop at <|endoftext|> = id 0).
        let idsFile = dir.appendingPathComponent("ids.txt")
        try (ids.map(String.init).joined(separator: " ") + "\n").write(to: idsFile, atomically: true, encoding: .utf8)
        let dec = try Self.run(["decode", "--tokenizer", tok, idsFile.path])
        #expect(dec.status == 0, "\(dec.stderr)")
        #expect(choice?["text"] as? String == dec.stdout, "\(ids)")
        let hf = dir.appendingPathComponent("hf").path
        let e = try Self.run(["export-hf", out, "--output", hf])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(FileManager.default.fileExists(atPath: hf + "/tokenizer.json"))
        // A tokenizer with more ids than the model, or prompt ids outside the vocabulary, are clear errors.
        let big = try Self.run(["export-hf", out, "--output", hf, "--tokenizer", "cl100k_base"])
        #expect(big.status != 0 && big.stderr.contains("100277 ids but the model's vocabulary is 702"), "\(big.stderr)")
        let badId = try Self.run(["generate", "--model", out, "--prompt-ids", "5,9999"])
        #expect(badId.status != 0 && badId.stderr.contains("prompt token 1: id 9999 is outside"), "\(badId.stderr)")
    }

    @Test func badInputsGiveOneLineErrors() throws {
        let missing = try Self.run(["pretrain", "--train", "/nonexistent/train.bin", "--vocab-size", "10", "--out", "/tmp/aigc-cli-never"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/train.bin: cannot read"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-cli-bad-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = dir.appendingPathComponent("t.bin")
        try Data([1, 0, 50, 0, 2, 0]).write(to: bin)
        let big = try Self.run(["pretrain", "--train", bin.path, "--vocab-size", "10", "--out", dir.appendingPathComponent("o").path])
        #expect(big.status != 0)
        #expect(big.stderr.contains("token 1: id 50 is outside the vocabulary of 10"))
        let heads = try Self.run(["pretrain", "--train", bin.path, "--vocab-size", "100", "--n-head", "3", "--out", dir.appendingPathComponent("o").path])
        #expect(heads.stderr.contains("not divisible by n_head 3"))
        let noModel = try Self.run(["generate", "--model", dir.path, "--prompt-ids", "1"])
        #expect(noModel.status != 0 && noModel.stderr.contains("config.json"))
    }
}
