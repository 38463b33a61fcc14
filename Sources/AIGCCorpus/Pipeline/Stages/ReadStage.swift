import Foundation

/// Stage "read": the inputs as batches of raw records (`InputReader`: JSONL lines, JSON-array elements, DailyDialog
/// lines, whole text files; `.gz` streamed through zlib) — only a plan task's byte ranges when it has them —
/// keeping only the records this run owns: those from the resume point on and, in a hash-sharded run, those whose
/// ordinal hashes to this shard (a plan task owns every record of its ranges).
final class ReadStage {
    /// A batch and the records of it this run owns (in input order; their bytes live in the batch's storage).
    struct Batch: Sendable {
        var raw: RawBatch
        var owned: [RawRecord]
    }

    let reader: InputReader
    let options: CorpusBuildOptions
    let resumeFrom: UInt64
    /// The inputs' total size, for progress.
    let totalBytes: Int

    init(options: CorpusBuildOptions, resumeFrom: UInt64) {
        self.options = options
        self.resumeFrom = resumeFrom
        reader = InputReader(paths: options.inputs, format: options.inputFormat, ranges: options.inputRanges,
                             maxRecordBytes: options.maxRecordBytes)
        let fm = FileManager.default
        totalBytes = options.inputRanges.map { $0.reduce(0) { $0 + $1.count } }
            ?? options.inputs.reduce(0) { $0 + ((try? fm.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    /// Input bytes read so far.
    var bytesRead: Int { reader.fileBytesRead }

    /// True when this shard owns the record (a stable function of its ordinal).
    @inline(__always) static func owns(_ ordinal: UInt64, _ options: CorpusBuildOptions) -> Bool {
        options.inputRanges != nil || options.numShards == 1 || StableHash.scramble(ordinal ^ 0x5348_4152_4453_0000) % UInt64(options.numShards) == UInt64(options.shardIndex)
    }

    /// The next batch with at least one owned record; nil at the end of the inputs. `skipped` is called after
    /// each batch with none (progress).
    func next(skipped: () -> Void) throws -> Batch? {
        while let batch = try reader.nextBatch(maxRecords: options.batchRecords) {
            let owned = batch.records.filter { $0.ordinal >= resumeFrom && Self.owns($0.ordinal, options) }
            if owned.isEmpty { skipped(); continue }
            return Batch(raw: batch, owned: owned)
        }
        return nil
    }
}
