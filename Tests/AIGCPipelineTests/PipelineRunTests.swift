import AIGC
import AIGCPipeline
import Foundation
import Testing

/// `aigc pipeline run` through the library: the tiny config end to end, stamps (skip, partial rerun, option
/// changes), resuming an interrupted pretraining to the same weights, and dry runs.
@Suite struct PipelineRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tinyPath = root.appendingPathComponent("Fixtures/pipeline/tiny.yaml").path

    static func tempDir(_ name: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// The tiny config, optionally with some of its text replaced.
    static func tiny(_ edits: [(String, String)] = []) throws -> PipelineConfig {
        var text = try String(contentsOfFile: tinyPath, encoding: .utf8)
        for (a, b) in edits {
            #expect(text.contains(a), "\(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        return try PipelineConfig.parse(text, path: tinyPath)
    }

    static func runner(_ config: PipelineConfig, _ tmp: URL, work: String = "work", store: String = "models") -> PipelineRunner {
        let r = PipelineRunner(config: config, workDirectory: tmp.appendingPathComponent(work),
                               store: ModelStore(root: tmp.appendingPathComponent(store)))
        r.log = { _ in }
        r.progress = false
        return r
    }

    static func statuses(_ results: [StageResult]) -> [String: StageResult.Status] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.stage.rawValue, $0.status) })
    }

    @Test func tinyConfigEndToEndThenSkipsThenRerunsFromADeletedOutput() throws {
        let tmp = try Self.tempDir("pipeline-e2e")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let config = try Self.tiny()
        let first = try Self.runner(config, tmp).run()
        #expect(first.map(\.stage) == PipelineStage.allCases)
        #expect(first.allSatisfy { $0.status == .ran }, "\(first)")

        // The registered model: weights, the tokenizer with the template's special tokens, the audit, the card.
        let store = ModelStore(root: tmp.appendingPathComponent("models"))
        let dir = try store.resolve("aigc-tiny")
        let card = try #require(try ModelCard.load(directory: dir))
        #expect(card.name == "aigc-tiny" && card.tokenizer == "tokenizer.json" && card.chatTemplate == "chatml")
        #expect(card.trainedFrom["config_sha256"] == config.sha256)
        #expect(card.trainedFrom["input_0"]?.contains("dialogues.jsonl sha256:") == true)
        #expect(card.metrics["val_loss"]?.isFinite == true && card.metrics["pretrain_val_loss"] != nil)
        for f in ["config.json", "model.safetensors", "tokenizer.json", "audit.json", "audit.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        let tok = try Tokenizer(contentsOf: dir.appendingPathComponent("tokenizer.json"))
        let model = try GPTModel.load(directory: dir)
        for s in ["<|im_start|>", "<|im_end|>", "<|endoftext|>"] {
            let id = try #require(tok.specialTokens[s], "\(s)")
            #expect(Int(id) < model.config.vocabSize)
        }
        // The card's tokenizer gives generation a text prompt with the template's markers.
        let codec = try #require(try TokenCodecLoader.load(modelDirectory: dir))
        #expect(try codec.encode("<|im_start|>user\nhi<|im_end|>").first == Int32(tok.specialTokens["<|im_start|>"]!))

        // Second run: every stage current.
        let second = try Self.runner(config, tmp).run()
        #expect(second.allSatisfy { $0.status == .skipped }, "\(second)")
        #expect(second.map(\.metric) == first.map(\.metric))

        // Deleting pretraining's output reruns it and what reads it, not the stages before it or beside it.
        try FileManager.default.removeItem(at: tmp.appendingPathComponent("work/pretrain"))
        let third = Self.statuses(try Self.runner(config, tmp).run())
        #expect(third == ["tokenizer": .skipped, "corpus": .skipped, "audit": .skipped, "pretrain": .ran,
                          "finetune": .ran, "adversarial": .ran, "register": .ran], "\(third)")

        // An edited output file is stale too: the audit report reruns the audit and the registration only.
        try Data("edited".utf8).write(to: tmp.appendingPathComponent("work/audit/audit.json"))
        let fourth = Self.statuses(try Self.runner(config, tmp).run())
        #expect(fourth == ["tokenizer": .skipped, "corpus": .skipped, "audit": .ran, "pretrain": .skipped,
                           "finetune": .skipped, "adversarial": .skipped, "register": .ran], "\(fourth)")

        // Changing a fine-tuning option reruns fine-tuning and what follows it.
        let changed = try Self.tiny([("  max_iters: 6\n", "  max_iters: 9\n")])
        let fifth = Self.statuses(try Self.runner(changed, tmp).run())
        #expect(fifth == ["tokenizer": .skipped, "corpus": .skipped, "audit": .skipped, "pretrain": .skipped,
                          "finetune": .ran, "adversarial": .ran, "register": .ran], "\(fifth)")

        // A copied work directory checks its own files: current as it is, stale where the copy lost a file
        // (while the original still has it).
        try FileManager.default.copyItem(at: tmp.appendingPathComponent("work"), to: tmp.appendingPathComponent("copy"))
        #expect(Self.statuses(try Self.runner(changed, tmp, work: "copy").run()).values.allSatisfy { $0 == .skipped })
        try FileManager.default.removeItem(at: tmp.appendingPathComponent("copy/corpus/manifest.json"))
        let copied = Self.statuses(try Self.runner(changed, tmp, work: "copy").run())
        #expect(copied == ["tokenizer": .skipped, "corpus": .ran, "audit": .skipped, "pretrain": .ran,
                           "finetune": .ran, "adversarial": .ran, "register": .ran], "\(copied)")

        // A changed input file changes every stage that reads it.
        let copy = tmp.appendingPathComponent("dialogues.jsonl")
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("Fixtures/corpus/dialogues.jsonl").path, toPath: copy.path)
        let moved = try Self.tiny([("[../corpus/dialogues.jsonl]", "[\(copy.path)]")])
        let plan = try {
            let r = Self.runner(moved, tmp)
            r.dryRun = true
            return try r.run()
        }()
        // Same bytes at a new path: the key includes the path, so everything would run; nothing ran in a dry run.
        #expect(plan.allSatisfy { $0.status == .wouldRun }, "\(plan)")
        // The original work directory is intact. Its registration reruns only if the copy's run wrote other
        // bytes into the store (the card's `created` second), which the register stamp also records.
        let back = Self.statuses(try Self.runner(changed, tmp).run())
        #expect(back.filter { $0.key != "register" }.values.allSatisfy { $0 == .skipped }, "\(back)")
    }

    @Test func dryRunOnAFreshDirectoryWritesNothing() throws {
        let tmp = try Self.tempDir("pipeline-dry")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = Self.runner(try Self.tiny(), tmp)
        r.dryRun = true
        let plan = try r.run()
        #expect(plan.allSatisfy { $0.status == .wouldRun } && plan.count == PipelineStage.allCases.count)
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("work").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        #expect(PipelineRunner.summary(plan).contains("pretrain     would run"))
    }

    @Test func aSecondRunInTheSameWorkDirectoryIsRefused() throws {
        let tmp = try Self.tempDir("pipeline-lock")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let held = try DirectoryLock(directory: tmp.appendingPathComponent("work"), what: "aigc pipeline run")
        do {
            try Self.runner(try Self.tiny(), tmp).run()
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("is being written by another aigc pipeline run"), "\(error)")
        }
        withExtendedLifetime(held) {}
    }

    struct Interrupted: Error {}

    @Test func interruptedPretrainingResumesToTheSameWeights() throws {
        let tmp = try Self.tempDir("pipeline-resume")
        defer { try? FileManager.default.removeItem(at: tmp) }
        // Pretraining only (no fine-tuning), so the registered model is pretraining's result.
        let text = try String(contentsOfFile: Self.tinyPath, encoding: .utf8)
        let cut = try #require(text.range(of: "finetune:"))
        let config = try PipelineConfig.parse(String(text[..<cut.lowerBound]), path: Self.tinyPath)
        #expect(config.finetune == nil && config.adversarial == nil)

        let clean = Self.runner(config, tmp, work: "clean", store: "clean-models")
        _ = try clean.run()

        let interrupted = Self.runner(config, tmp, work: "killed", store: "killed-models")
        var checkpoints: [Int] = []
        interrupted.afterPretrainCheckpoint = { iter in
            checkpoints.append(iter)
            if iter == 8 { throw Interrupted() }
        }
        #expect(throws: Interrupted.self) { try interrupted.run() }
        #expect(checkpoints == [0, 4, 8])
        let pending = tmp.appendingPathComponent("killed/stamps/pretrain.pending")
        #expect(FileManager.default.fileExists(atPath: pending.path))

        let resumed = Self.statuses(try Self.runner(config, tmp, work: "killed", store: "killed-models").run())
        #expect(resumed == ["tokenizer": .skipped, "corpus": .skipped, "audit": .skipped, "pretrain": .resumed, "register": .ran], "\(resumed)")
        #expect(!FileManager.default.fileExists(atPath: pending.path))
        for f in ["pretrain/model.safetensors", "pretrain/optimizer.safetensors", "model/model.safetensors"] {
            let a = try Data(contentsOf: tmp.appendingPathComponent("clean/\(f)"))
            let b = try Data(contentsOf: tmp.appendingPathComponent("killed/\(f)"))
            #expect(a == b, "\(f) differs after resuming")
        }
        // metrics.jsonl holds each evaluation once, as in the uninterrupted run.
        let m1 = try String(contentsOf: tmp.appendingPathComponent("clean/pretrain/metrics.jsonl"), encoding: .utf8)
        let m2 = try String(contentsOf: tmp.appendingPathComponent("killed/pretrain/metrics.jsonl"), encoding: .utf8)
        func iters(_ s: String) -> [Int] {
            s.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["iter"] as? Int }
        }
        #expect(iters(m1) == iters(m2))
    }
}
