import AIGC
import AIGCPipeline
import Foundation
import Testing

/// Bad configs: every error names the file, the line and the key.
@Suite struct PipelineConfigTests {
    static let minimal = """
        name: m
        tokenizer:
          encoding: cl100k_base
        corpus:
          inputs: [a.jsonl]
        pretrain:
          n_layer: 1
        """

    static func error(_ text: String) -> String {
        do { _ = try PipelineConfig.parse(text, path: "/cfg/p.yaml"); return "" } catch { return "\(error)" }
    }

    @Test func minimalConfigDefaults() throws {
        let c = try PipelineConfig.parse(Self.minimal, path: "/cfg/p.yaml")
        #expect(c.name == "m" && c.tokenizer == .named("cl100k_base"))
        #expect(c.corpus.inputs == ["/cfg/a.jsonl"] && c.corpus.template == .chatml && c.corpus.seqLen == 256)
        #expect(c.pretrain.nLayer == 1 && c.pretrain.options.blockSize == 256)
        #expect(c.audit == nil && c.finetune == nil && c.adversarial == nil)
    }

    @Test(arguments: [
        // (edit, expected fragments of the message)
        ("  n_layer: 1", "  n_layers: 1", ["p.yaml:7:3", "pretrain.n_layers: unknown key", "allowed here: n_layer"]),
        ("  n_layer: 1", "  n_layer: two", ["p.yaml:7:12", "pretrain.n_layer: expected an integer, found 'two'"]),
        ("  n_layer: 1", "  n_layer: 0", ["p.yaml:7:12", "pretrain.n_layer: 0 is out of range 1...64"]),
        ("name: m", "name: ../evil", ["p.yaml:1:7", "name: '../evil' is not a valid model name"]),
        ("name: m", "nam: m", ["p.yaml:1:1", "nam: unknown key"]),
        ("  encoding: cl100k_base", "  encoding: gpt5", ["p.yaml:3:13", "tokenizer.encoding: 'gpt5' is not a named encoding"]),
        ("  inputs: [a.jsonl]", "  inputs: [a.jsonl]\n  template: vicuna", ["p.yaml:6:13", "corpus.template: 'vicuna' is not one of chatml, llama3, plain"]),
        ("  inputs: [a.jsonl]", "  inputs: {a: 1}", ["p.yaml:5:11", "corpus.inputs: expected a list of strings, found a mapping"]),
        ("  inputs: [a.jsonl]", "  inputs: [a.jsonl, [b]]", ["p.yaml:5:21", "corpus.inputs[1]: expected a string, found a list"]),
        ("  n_layer: 1", "  n_layer: 1\n  n_embd: 30\n  n_head: 4", ["p.yaml:8:11", "pretrain.n_embd: n_embd 30 must be a multiple of n_head 4"]),
        ("  n_layer: 1", "  n_layer: 1\n  lr: -1", ["p.yaml:8:7", "pretrain.lr: -1.0 is out of range"]),
        ("  n_layer: 1", "  n_layer: 1\n  block_size: 16", ["p.yaml:8:15", "shorter than corpus.seq_len 256"]),
        ("  n_layer: 1", "  n_layer: [1", ["p.yaml:", "YAML syntax"]),
        ("  n_layer: 1", "  n_layer: 1\nadversarial:\n  rounds: 1", ["p.yaml:9:3", "adversarial: the adversarial stage needs a finetune section"]),
        ("  encoding: cl100k_base", "  encoding: cl100k_base\n  train: {vocab_size: 300}", ["p.yaml:3:3", "tokenizer: give exactly one of 'encoding'"]),
        ("  encoding: cl100k_base", "  train: {vocab_size: 100}", ["p.yaml:3:23", "tokenizer.train.vocab_size: 100 is out of range 257"]),
    ])
    func badConfigsNameTheKeyAndLine(edit: (String, String, [String])) {
        let text = Self.minimal.replacingOccurrences(of: edit.0, with: edit.1)
        #expect(text != Self.minimal)
        let message = Self.error(text)
        for fragment in edit.2 { #expect(message.contains(fragment), "'\(fragment)' not in: \(message)") }
    }

    @Test func adversarialDiscriminatorKeys() throws {
        let text = Self.minimal + "\nfinetune:\n  max_iters: 1\nadversarial:\n  d_readout: mean\n  d_context: 64\n  d_warmup: 5\n  d_head_lr_multiplier: 10\n"
        let o = try #require(try PipelineConfig.parse(text, path: "/cfg/p.yaml").adversarial)
        #expect(o.discriminatorReadout == .mean && o.discriminatorContext == 64 && o.discriminatorWarmup == 5 && o.discriminatorHeadLRMultiplier == 10)
        let bad = Self.error(text.replacingOccurrences(of: "d_readout: mean", with: "d_readout: cls"))
        #expect(bad.contains("p.yaml:11:14") && bad.contains("d_readout must be one of query, mean"), "\(bad)")
    }

    @Test func shippedConfigsParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let small = try PipelineConfig.load(path: root.appendingPathComponent("Fixtures/pipeline/aigc-small.yaml").path)
        #expect(small.name == "aigc-small" && small.finetune != nil && small.audit != nil)
        for input in small.corpus.inputs { #expect(FileManager.default.fileExists(atPath: input), "\(input)") }
        let tiny = try PipelineConfig.load(path: root.appendingPathComponent("Fixtures/pipeline/tiny.yaml").path)
        #expect(tiny.name == "aigc-tiny" && tiny.adversarial != nil)
    }

    @Test func missingSectionsAndFiles() {
        #expect(Self.error("name: m\n").contains("p.yaml:1:1: missing key 'corpus'"))
        #expect(Self.error("").contains("the config is empty"))
        #expect(Self.error("- a\n- b\n").contains("expected a mapping"))
        let noInputs = Self.minimal.replacingOccurrences(of: "  inputs: [a.jsonl]", with: "  format: openai")
        #expect(Self.error(noInputs).contains("corpus: missing key 'inputs'"))
        do {
            _ = try PipelineConfig.load(path: "/nonexistent/p.yaml")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("/nonexistent/p.yaml: cannot read"))
        }
    }

    @Test func aMissingInputFileIsNamedWhenTheRunStarts() throws {
        let c = try PipelineConfig.parse(Self.minimal, path: "/cfg/p.yaml")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-missing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = PipelineRunner(config: c, workDirectory: tmp, store: ModelStore(root: tmp.appendingPathComponent("models")))
        r.log = { _ in }
        do {
            try r.run()
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("/cfg/a.jsonl: no such file (in /cfg/p.yaml)"), "\(error)")
        }
    }
}
