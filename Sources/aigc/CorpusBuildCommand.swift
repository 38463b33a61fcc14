import AIGCCore
import ArgumentParser
import AIGC
import Foundation

struct CorpusBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Turn raw dialogue/text into tokenized, loss-masked, packed training tensors.",
        discussion: """
        Every input record is kept or dropped with a counted reason (manifest.json: records_in == records_kept + \
        Σ dropped). Output bytes are identical for any --threads. For distributed runs give each task \
        --num-shards N --shard-index I, or run the tasks of an `aigc corpus plan` with --plan PLAN --task I, and \
        combine with `aigc corpus merge`. Details: docs/corpus.md.
        """
    )

    @OptionGroup var args: CorpusBuildArguments
    @Option(help: "Run one task of a plan made by `aigc corpus plan` (every build option comes from the plan; only --threads may be given).")
    var plan: String?
    @Option(help: "With --plan: the task to run (0-based); it writes PLAN_OUTPUT/task-NNNNN/.")
    var task: Int?

    func run() async throws {
        try await runCLI {
            let o: CorpusBuildOptions
            let tok: any CorpusTokenizer
            if let plan {
                guard let task else { throw ValidationError("--plan needs --task I (the task to run)") }
                let given = args.givenBesidesThreads
                guard given.isEmpty else {
                    throw ValidationError("--plan takes the build options from the plan; only --task and --threads may be given (got \(given.joined(separator: ", ")))")
                }
                let p = try CorpusPlan.read(path: plan)
                o = try p.taskOptions(task, threads: try Limits.threads("--threads", args.threads ?? Limits.cores))
                tok = try CorpusTokenizerSpec.resolve(p.tokenizer)
            } else {
                guard task == nil else { throw ValidationError("--task needs --plan PLAN") }
                o = try args.options()
                tok = try CorpusTokenizerSpec.resolve(args.tokenizer)
            }
            let m = try build(o, tok)
            let dropped = m.dropped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            logStderr("aigc corpus build: records_in=\(m.recordsIn) records_kept=\(m.recordsKept) dropped: \(dropped.isEmpty ? "none" : dropped)")
            for (s, st) in m.splits.sorted(by: { $0.key < $1.key }) {
                logStderr("  \(s): documents=\(st.documents) rows=\(st.rows) tokens=\(st.tokens) trained=\(st.trainedTokens) padding=\(st.paddingTokens)")
            }
        }
    }

    func build<T: CorpusTokenizer>(_ o: CorpusBuildOptions, _ t: T) throws -> DatasetManifest {
        try CorpusBuilder(options: o, tokenizer: t).run()
    }
}

extension InputFormat: ExpressibleByArgument {}
extension ChatTemplate: ExpressibleByArgument {}
extension PackingMode: ExpressibleByArgument {}
extension OverlongPolicy: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
