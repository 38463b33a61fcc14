import ArgumentParser
import AIGC
import Foundation

struct CorpusMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the outputs of a --num-shards build into exactly the output of a single run.",
        discussion: "Give all N shard directories. Deduplication is replayed across shards in record order; the tensors equal a single run's byte for byte."
    )

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String
    @Argument(help: "Shard output directories.")
    var shards: [String] = []

    func run() async throws {
        try await runCLI {
            let m = try CorpusMerger(inputs: shards.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output)).run()
            logStderr("aigc corpus merge: \(shards.count) shard or task directories, records_in=\(m.recordsIn) records_kept=\(m.recordsKept)")
        }
    }
}
