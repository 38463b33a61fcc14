import ArgumentParser
import AIGC
import Foundation

struct CorpusPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a distributed corpus build: print each task's byte ranges and the build options as JSON.",
        discussion: """
        Takes the options of `aigc corpus build`, with --num-shards N for the number of tasks and --output DIR for \
        where they write. JSONL and plain-text inputs are cut at newlines, gzip files and JSON arrays go whole to one \
        task, so every task reads only its share. Run `aigc corpus build --plan PLAN --task I` for I in 0..<N (any \
        engine: Ray, Slurm, Kubernetes), then `aigc corpus merge --output OUT DIR/task-*`: the result equals a single \
        run byte for byte. Details: docs/corpus.md.
        """
    )

    @OptionGroup var args: CorpusBuildArguments

    func run() async throws {
        try await runCLI {
            guard args.shardIndex == 0 else { throw ValidationError("corpus plan makes every task: --shard-index does not apply") }
            let o = try args.options()
            // Fail now, not in N tasks later, on an unknown tokenizer.
            _ = try CorpusTokenizerSpec.resolve(args.tokenizer)
            let (plan, read) = try CorpusPlan.make(options: o, tokenizer: args.tokenizer, output: o.outputDir, tasks: o.numShards)
            try StandardOutput.write(plan.encoded())
            let total = plan.inputs.reduce(0) { $0 + $1.bytes }
            let empty = plan.tasks.filter(\.isEmpty).count
            logStderr("aigc corpus plan: \(plan.tasks.count) tasks over \(total) bytes in \(plan.inputs.count) inputs (\(plan.inputs.filter(\.whole).count) read whole); the planner read \(read) bytes" + (empty > 0 ? "; \(empty) tasks got no input" : ""))
        }
    }
}
