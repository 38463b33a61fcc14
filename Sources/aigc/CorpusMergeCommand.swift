import ArgumentParser
import AIGC
import Foundation

struct CorpusMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the outputs of a --num-shards build into exactly the output of a single run.",
        discussion: """
        Give all N shard or plan-task directories. Deduplication is replayed across them in record order (in passes \
        over their logs, at most 64 bytes of state per distinct record); the tensors equal a single run's byte for \
        byte. Past one machine's memory, run the deduplication as P partitions (--partitions P --partition I, in \
        parallel: each reads only its share of the keys, the tasks' keys/part-* files ≡ I mod P, and holds one such \
        file index at a time), then re-pack with --dedup-from. Details: docs/corpus.md, docs/scale.md.
        """
    )

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String
    @Option(help: "Partitioned deduplication: the number of partitions. With --partition I, run only partition I and write OUTPUT/dedup-IIIII.bin (run all I in parallel, then merge with --dedup-from OUTPUT).")
    var partitions: Int?
    @Option(help: "With --partitions: the partition to run (0-based).")
    var partition: Int?
    @Option(help: "Take every duplicate decision from the partition files in this directory (see --partitions) and only re-pack.")
    var dedupFrom: String?
    @Argument(help: "Shard output directories.")
    var shards: [String] = []

    func run() async throws {
        try await runCLI {
            var merger = CorpusMerger(inputs: shards.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output))
            if partitions != nil || partition != nil {
                guard let partitions, let partition, dedupFrom == nil else {
                    throw ValidationError("--partitions P and --partition I go together (and not with --dedup-from)")
                }
                let dir = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let file = dir.appendingPathComponent(String(format: "dedup-%05d.bin", partition))
                let r = try merger.dedupPartition(partition, of: partitions, to: file)
                logStderr("aigc corpus merge: partition \(partition) of \(partitions): read \(r.bytesRead) bytes of keys (\(r.keys) keys in key files \(r.parts.count == 1 ? "\(r.parts[0])" : "\(r.parts.first!), \(r.parts.first! + partitions), …") of \(shards.count) tasks); \(r.flagged) duplicate flags; dedup state \(r.stateBytes) bytes; wrote \(file.path)")
                return
            }
            if let dedupFrom {
                let names = try FileManager.default.contentsOfDirectory(atPath: dedupFrom).filter { $0.hasPrefix("dedup-") && $0.hasSuffix(".bin") }.sorted()
                guard !names.isEmpty else { throw ValidationError("--dedup-from \(dedupFrom): no dedup-*.bin partition files") }
                merger.partitionedDedup = names.map { URL(fileURLWithPath: dedupFrom).appendingPathComponent($0) }
            }
            let (m, state, entries) = try merger.runMeasured()
            let dedup = merger.partitionedDedup.map { "duplicate decisions from \($0.count) partition files, \(entries) log entries re-packed" }
                ?? "dedup state \(state) bytes for \(entries) log entries" + (entries > 0 ? String(format: " (%.1f bytes each)", Double(state) / Double(entries)) : "")
            logStderr("aigc corpus merge: \(shards.count) shard or task directories, records_in=\(m.recordsIn) records_kept=\(m.recordsKept); " + dedup)
        }
    }
}
