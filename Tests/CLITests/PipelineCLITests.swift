import Foundation
import Testing

/// `aigc pipeline run` and `aigc models` as a user runs them: the tiny config into a temporary store, the
/// summary table on stdout, names accepted where a model directory is, and one-line errors with exit status 1.
@Suite struct PipelineCLITests {
    @Test func pipelineRunThenUseTheModelByName() throws {
        let tmp = try CLI.tempDir("pipeline-cli")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let env = ["AIGC_MODELS": tmp.appendingPathComponent("models").path]
        let config = CLI.repoRoot.appendingPathComponent("Fixtures/pipeline/tiny.yaml").path
        let work = tmp.appendingPathComponent("work").path

        let dry = try CLI.run(["pipeline", "run", config, "--work-dir", work, "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.out.contains("tokenizer    would run") && !FileManager.default.fileExists(atPath: work))

        let r = try CLI.run(["pipeline", "run", config, "--work-dir", work], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("STAGE") == true && lines.count == 9, "\(r.out)")
        #expect(lines.contains { $0.hasPrefix("register") && $0.contains("ran") && $0.contains("'aigc-tiny'") })

        let again = try CLI.run(["pipeline", "run", config, "--work-dir", work], environment: env)
        #expect(again.out.split(separator: "\n").dropFirst().dropLast().allSatisfy { $0.contains("skipped") }, "\(again.out)")

        let list = try CLI.run(["models", "list"], environment: env)
        #expect(list.status == 0 && list.out.contains("aigc-tiny") && list.out.contains("chatml"), "\(list.out)\(list.stderr)")
        let json = try CLI.run(["models", "list", "--json"], environment: env)
        let obj = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(obj["name"] as? String == "aigc-tiny")

        // A name works wherever a model directory does.
        let gen = try CLI.run(["generate", "--model", "aigc-tiny", "--prompt", "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n",
                               "--max-tokens", "4", "--seed", "1"], environment: env)
        #expect(gen.status == 0, "\(gen.stderr)")
        #expect(gen.out.contains("\"choices\""))
        let hf = try CLI.run(["export-hf", "aigc-tiny", "-o", tmp.appendingPathComponent("hf").path], environment: env)
        #expect(hf.status == 0, "\(hf.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("hf/tokenizer.json").path))

        let unknown = try CLI.run(["generate", "--model", "aigc-large", "--prompt", "x"], environment: env)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no model named 'aigc-large'") && unknown.stderr.contains("models: aigc-tiny"), "\(unknown.stderr)")

        let rm = try CLI.run(["models", "remove", "aigc-tiny"], environment: env)
        #expect(rm.status == 0, "\(rm.stderr)")
        let show = try CLI.run(["models", "show", "aigc-tiny"], environment: env)
        #expect(show.status == 1 && show.stderr.contains("the store is empty"), "\(show.stderr)")
    }

    @Test func badConfigIsOneLineWithFileLineAndKey() throws {
        let tmp = try CLI.tempDir("pipeline-cli-bad")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let cfg = tmp.appendingPathComponent("bad.yaml")
        try Data("name: x\ntokenizer:\n  encoding: cl100k_base\ncorpus:\n  inputs: [a.jsonl]\n  seq_len: lots\npretrain: {}\n".utf8).write(to: cfg)
        let r = try CLI.run(["pipeline", "run", cfg.path], environment: ["AIGC_MODELS": tmp.appendingPathComponent("m").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.yaml:6:12: corpus.seq_len: expected an integer, found 'lots'"), "\(r.stderr)")
    }
}
