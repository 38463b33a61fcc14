import AIGC
import AIGCPipeline
import ArgumentParser
import Foundation

/// `aigc pipeline run CONFIG.yaml`: raw dialogues to a registered model in one command.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run a YAML pipeline: tokenizer, corpus, audit, pretrain, finetune, adversarial, register.",
        subcommands: [PipelineRunCommand.self]
    )
}

struct PipelineRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage of CONFIG.yaml that is not current, then register the model under the config's name.",
        discussion: """
        Stages are skipped when their stamp (WORK/stamps/STAGE.json) records the same inputs, options and intact \
        outputs; an interrupted pretrain or finetune resumes from its last checkpoint. Prints a summary table \
        (stage, status, time, key metric) to stdout. Config keys: docs/pipeline.md.
        """
    )

    @Argument(help: "Pipeline config (YAML).") var config: String
    @Option(help: "Work directory for stage outputs and stamps (default: the config's work_dir, else ~/.cache/aigc/pipeline/NAME).")
    var workDir: String?
    @Flag(help: "Show which stages would run, and why, without running any.") var dryRun = false

    func run() async throws {
        try await runCLI {
            let c = try PipelineConfig.load(path: config)
            let runner = PipelineRunner(config: c, workDirectory: workDir.map { URL(fileURLWithPath: $0) })
            runner.dryRun = dryRun
            logStderr("pipeline '\(c.name)': work directory \(runner.work.path), models in \(runner.store.root.path)")
            let results = try runner.run()
            try StandardOutput.write(PipelineRunner.summary(results))
        }
    }
}
