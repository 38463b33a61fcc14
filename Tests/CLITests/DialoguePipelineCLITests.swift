import Foundation
import Testing

/// The dialogue pipeline end to end at a tiny size, exactly as a user runs it: `aigc corpus build` (chatml,
/// pack) → `aigc pretrain --data-format safetensors` → `aigc finetune` → `aigc adversarial --rounds 3`.
@Suite struct DialoguePipelineCLITests {
    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func corpusPretrainFinetuneAdversarial() throws {
        let dir = try CLI.tempDir("dialogue-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        func run(_ args: [String]) throws {
            let r = try CLI.run(args)
            #expect(r.status == 0, "aigc \(args.prefix(2).joined(separator: " ")): \(r.stderr)")
            if r.status != 0 { throw CancellationError() }
        }
        let corpus = dir.appendingPathComponent("corpus").path
        try run(["corpus", "build", "--input-format", "openai", "--template", "chatml", "--packing", "pack", "--tokenizer", "bytes",
                 "--seq-len", "128", "--val-fraction", "0.3", "-o", corpus,
                 CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path])
        let pre = dir.appendingPathComponent("pre").path
        try run(["pretrain", "--train", corpus + "/train-00000.safetensors", "--val", corpus + "/val-00000.safetensors",
                 "--data-format", "safetensors", "--vocab-size", "259", "--n-layer", "1", "--n-head", "2", "--n-embd", "16",
                 "--block-size", "128", "--batch-size", "2", "--max-iters", "10", "--eval-interval", "10", "--eval-iters", "1",
                 "--warmup-iters", "2", "--threads", "1", "--shards", "1", "--out", pre])
        let ft = dir.appendingPathComponent("ft")
        try run(["finetune", "--base", pre, "--train", corpus, "--out", ft.path, "--batch-size", "2", "--max-iters", "10",
                 "--eval-interval", "5", "--eval-iters", "1", "--warmup-iters", "2", "--lr", "1e-3", "--threads", "1", "--shards", "1"])
        let summary = try Self.json(ft.appendingPathComponent("finetune.json"))
        let tunedPPL = try #require(summary["best_val_ppl"] as? Double)
        #expect(try #require(summary["base_val_ppl"] as? Double) > tunedPPL)
        // `aigc evaluate` scores the same validation split: its per-token perplexity is fine-tuning's best, and a
        // word (several bytes here) costs more than a token.
        let ev = try CLI.run(["evaluate", "--model", ft.path, "--corpus", corpus, "--samples", "2", "--max-reply-tokens", "6", "--threads", "1"])
        #expect(ev.status == 0, "aigc evaluate: \(ev.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: ev.stdout) as? [String: Any])
        let evalPPL = try #require(report["token_perplexity"] as? Double)
        #expect(abs(evalPPL - tunedPPL) / tunedPPL < 1e-4, "evaluate \(evalPPL) vs finetune best \(tunedPPL)")
        let words = try #require(report["words"] as? Int), tokens = try #require(report["tokens"] as? Int)
        #expect(words > 0 && words < tokens)
        #expect(try #require(report["word_perplexity"] as? Double) > evalPPL)
        let evalSamples = try #require(report["samples"] as? [[String: String]])
        #expect(evalSamples.count == 2 && evalSamples.allSatisfy { $0["human"] != nil && $0["model"] != nil && $0["context"] != nil })
        let badSplit = try CLI.run(["evaluate", "--model", ft.path, "--corpus", corpus, "--split", "test"])
        #expect(badSplit.status != 0 && badSplit.stderr.contains("--split"))
        let adv = dir.appendingPathComponent("adv")
        try run(["adversarial", "--generator", ft.path, "--train", corpus, "--out", adv.path, "--rounds", "3", "--g-steps", "1",
                 "--d-pretrain-steps", "1", "--batch-size", "2", "--mle-batch-size", "2", "--max-reply-tokens", "6",
                 "--eval-pairs", "2", "--max-ppl-increase", "0.1", "--threads", "1", "--shards", "1"])
        let all = try String(contentsOf: adv.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // The discriminator's pretraining curve comes first (step 0 and step 1), then one row per round.
        let curve = all.filter { $0["d_step"] != nil }, rows = all.filter { $0["round"] != nil }
        #expect(curve.compactMap { $0["d_step"] as? Int } == [0, 1] && curve.count + rows.count == all.count)
        for row in curve {
            for k in ["d_heldout_accuracy", "d_heldout_auc", "d_heldout_loss", "p_real_human", "p_real_sampled"] { #expect(row[k] is Double, "\(k)") }
        }
        #expect(curve.first?["d_loss"] as? String == "two-way")
        #expect(rows.count >= 2 && rows.count <= 4)
        for row in rows {
            for k in ["round", "d_accuracy", "reward", "val_ppl", "distinct_1", "distinct_2", "mean_length"] { #expect(row[k] != nil, "\(k)") }
        }
        let last = try #require(rows.last?["val_ppl"] as? Double)
        #expect(last <= 1.1 * tunedPPL * (1 + 1e-6), "final val_ppl \(last) vs fine-tuned \(tunedPPL)")
        let base = try #require(rows.first?["base_val_ppl"] as? Double)
        #expect(abs(base - tunedPPL) / tunedPPL < 1e-4)
        for f in ["adversarial.svg", "samples.jsonl", "generator/model.safetensors", "discriminator/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: adv.appendingPathComponent(f).path), "\(f)")
        }
        // Samples are decoded with the corpus's tokenizer (bytes) including its special tokens.
        let samples = try String(contentsOf: adv.appendingPathComponent("samples.jsonl"), encoding: .utf8)
        #expect(samples.contains("\"context_text\":\"<|im_start|>"))
        // Continue from the trained discriminator (one more round, warm-up on), then judge both generators.
        let adv2 = dir.appendingPathComponent("adv2")
        try run(["adversarial", "--generator", ft.path, "--train", corpus, "--out", adv2.path, "--rounds", "1", "--g-steps", "1",
                 "--d-pretrain-steps", "1", "--d-warmup", "3", "--d-context", "4", "--discriminator", adv.appendingPathComponent("discriminator").path,
                 "--batch-size", "2", "--mle-batch-size", "2", "--max-reply-tokens", "6", "--eval-pairs", "2", "--threads", "1", "--shards", "1"])
        let saved = try String(contentsOf: adv2.appendingPathComponent("discriminator/discriminator.json"), encoding: .utf8)
        #expect(saved.contains("\"context_tokens\":4"), "\(saved)")
        let judged = try CLI.run(["adversarial-eval", "--judge", adv2.appendingPathComponent("discriminator").path, "--generator", "ft=\(ft.path)",
                                  "--generator", "adv=\(adv.appendingPathComponent("generator").path)", "--corpus", corpus, "--contexts", "4",
                                  "--replies-per-context", "2", "--max-reply-tokens", "6", "--bootstrap", "200", "--samples", "2", "--threads", "1"])
        #expect(judged.status == 0, "\(judged.stderr)")
        let judgement = try #require(try JSONSerialization.jsonObject(with: judged.stdout) as? [String: Any])
        let gens = try #require(judgement["generators"] as? [[String: Any]])
        #expect(gens.map { $0["name"] as? String } == ["ft", "adv"])
        for g in gens {
            let s = try #require(g["adversarial_success"] as? Double)
            #expect(s >= 0 && s <= 1 && g["replies"] as? Int == 8 && (g["reply_perplexity"] as? Double ?? 0) > 1)
            #expect((g["samples"] as? [[String: Any]])?.count == 2)
        }
        let cmp = try #require((judgement["comparisons"] as? [[String: Any]])?.first)
        let ci = try #require(cmp["ci95"] as? [Double])
        #expect(ci.count == 2 && ci[0] <= ci[1])
        #expect(judgement["contexts"] as? Int == 4 && judgement["judge_context_tokens"] as? Int == 4)
        let tooMany = try CLI.run(["adversarial-eval", "--judge", adv2.appendingPathComponent("discriminator").path, "--generator", ft.path,
                                   "--corpus", corpus, "--contexts", "4", "--replies-per-context", "1024", "--bootstrap", "1000000000"])
        #expect(tooMany.status != 0 && tooMany.stderr.contains("--bootstrap"), "\(tooMany.stderr)")
        let wrongJudge = try CLI.run(["adversarial-eval", "--judge", ft.path, "--generator", ft.path, "--corpus", corpus])
        #expect(wrongJudge.status != 0 && wrongJudge.stderr.contains("QUERY, REAL, FAKE"), "\(wrongJudge.stderr)")
    }

    @Test func finetuneRejectsCorpusLongerThanTheModel() throws {
        let dir = try CLI.tempDir("dialogue-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus").path
        _ = try CLI.run(["corpus", "build", "--input-format", "openai", "--tokenizer", "bytes", "--seq-len", "128", "-o", corpus,
                         CLI.repoRoot.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path])
        let model = dir.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        // A model with 32 positions (written by pretrain with --max-iters 0).
        let p = try CLI.run(["pretrain", "--train", corpus + "/train-00000.safetensors", "--data-format", "safetensors",
                             "--vocab-size", "259", "--n-layer", "1", "--n-head", "1", "--n-embd", "8", "--block-size", "32",
                             "--max-iters", "0", "--eval-iters", "1", "--out", model.path])
        #expect(p.status == 0, "\(p.stderr)")
        let r = try CLI.run(["finetune", "--base", model.path, "--train", corpus, "--out", dir.appendingPathComponent("ft").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("do not fit the model's block size 32"), "\(r.stderr)")
        let missing = try CLI.run(["adversarial", "--generator", model.path, "--train", dir.appendingPathComponent("nope").path,
                                   "--out", dir.appendingPathComponent("adv").path])
        #expect(missing.status == 1 && missing.stderr.contains("nope"))
    }
}
