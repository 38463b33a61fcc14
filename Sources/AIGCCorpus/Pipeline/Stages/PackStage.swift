import AIGCCore
import AIGCFormats
import Foundation

/// Stage "pack", in record order: applies the verdicts (a drop from the clean stage, the exact and near dedup
/// decisions of `DeduplicateStage`, the length rules of `RenderStage`), assigns each kept document its split by
/// content hash and adds it to the output, which packs documents into rows or streams and writes full shards as it
/// goes (`CorpusOutput`: `TensorShardOutput` over `Packer`, `MegatronOutput`, `NanoGPTOutput`). Rejects and the
/// dedup journal are written here too, and a checkpoint whenever the output wants one. It runs on one serial
/// queue (`InOrderQueue`), batch after batch in input order; only that queue touches it until the build drains it.
final class PackStage: @unchecked Sendable {
    let options: CorpusBuildOptions
    let fingerprint: String
    let directory: URL
    let output: CorpusOutput
    let rejects: RejectsWriter?
    let journal: DocumentLog.Writer
    /// Shards and plan tasks: the dedup keys of the journal's entries, split by partition (`DedupKeyLog`).
    let keys: DedupKeyLog.Writer?
    /// Shards and plan tasks keep their documents' log (`documents.log`), the replay log `merge` needs; a whole
    /// build keeps only a dedup journal.
    let sharded: Bool
    var dedup: DeduplicateStage
    var dropped: [DropReason: Int] = [:]
    var pii: [PIIKind: Int] = [:]
    var truncatedPerSplit: [Split: Int] = [:]
    var kept = 0
    var recordsIn = 0
    var checkpoints = 0
    var stopAfterCheckpoints: Int?

    /// Opens rejects and journal after `output` (made by `CorpusBuilder.makeOutput`), resumed from `resume` when
    /// given (dedup state replayed from the journal, counters from the checkpoint).
    init(options: CorpusBuildOptions, fingerprint: String, directory: URL, output: CorpusOutput, resume: BuildCheckpoint?) throws {
        self.options = options
        self.fingerprint = fingerprint
        self.directory = directory
        self.output = output
        rejects = options.keepRejects ? try RejectsWriter(url: directory.appendingPathComponent("rejects.jsonl"), resumeAt: resume?.rejectsLength) : nil
        let sharded = options.isShardOrTask
        self.sharded = sharded
        let journal = try DocumentLog.Writer(url: directory.appendingPathComponent(sharded ? "documents.log" : "dedup.journal"),
                                             includeDocuments: sharded, resumeAt: resume?.journalLength)
        self.journal = journal
        if resume != nil && sharded && resume?.keyLengths == nil {
            throw AIGCError.io("\(BuildCheckpoint.url(in: directory).path): the checkpoint records no dedup key files; remove it to start this task over")
        }
        keys = sharded ? try DedupKeyLog.Writer(directory: directory, parts: options.keyPartitions, exact: options.exactDedup,
                                                near: options.nearDedup, resumeAt: resume?.keyLengths) : nil
        guard let r = resume else {
            dedup = DeduplicateStage(options: options)
            return
        }
        // Replay the journal (cut back to the checkpoint) to restore exact and near dedup state.
        dedup = try DeduplicateStage(options: options, replaying: DocumentLog.Reader(url: journal.partialURL, includesDocuments: sharded))
        recordsIn = r.recordsIn
        kept = r.kept
        for (k, v) in r.dropped { if let d = DropReason(rawValue: k) { dropped[d] = v } }
        for (k, v) in r.pii { if let d = PIIKind(rawValue: k) { pii[d] = v } }
        for (k, v) in r.truncated { if let d = Split(rawValue: k) { truncatedPerSplit[d] = v } }
    }

    func reject(_ r: RawRecord, _ batch: RawBatch, _ reason: DropReason, _ message: String) throws {
        dropped[reason, default: 0] += 1
        let source = "\(options.inputs[r.fileIndex]):\(r.line)"
        if options.strict && [.malformedJSON, .schema, .unknownRole, .invalidUTF8, .recordTooLarge].contains(reason)
            || reason == .invalidUTF8 && options.invalidUTF8 == .fail {
            // A plan task that starts inside a file numbers that file's lines from its range's first byte.
            let midFile = options.inputRanges?.first { $0.input == r.fileIndex && $0.start > 0 }
            let location = midFile.map { "\(source) (line counted from byte \($0.start), where this task's range starts)" } ?? source
            throw AIGCError.input(location: location, message: "\(reason.rawValue): \(message)")
        }
        if let rejects {
            try rejects.append(line: RejectsWriter.line(ordinal: r.ordinal, reason: reason, source: source, message: message,
                                                       record: batch.storage[r.range]))
        }
    }

    func checkpoint(next: UInt64) throws {
        let out = try output.checkpoint()
        let c = BuildCheckpoint(
            fingerprint: fingerprint, nextOrdinal: next, recordsIn: recordsIn, kept: kept,
            dropped: Dictionary(uniqueKeysWithValues: dropped.map { ($0.key.rawValue, $0.value) }),
            pii: Dictionary(uniqueKeysWithValues: pii.map { ($0.key.rawValue, $0.value) }),
            truncated: Dictionary(uniqueKeysWithValues: truncatedPerSplit.map { ($0.key.rawValue, $0.value) }),
            journalLength: try journal.sync(), rejectsLength: try rejects?.sync(), keyLengths: try keys?.sync(), output: out)
        try c.save(in: directory)
        checkpoints += 1
        if let stop = stopAfterCheckpoints, checkpoints >= stop {
            throw AIGCError.io("stopped after \(checkpoints) checkpoints (test hook)")
        }
    }

    /// Applies one batch's results in record order: `cleaned` has one entry per owned record, `rendered` one per
    /// record that survived the lookahead dedup.
    func consume(_ batch: ReadStage.Batch, _ cleaned: [StageOneResult], _ rendered: [RenderedRecord]) throws {
        var s = 0
        for (i, r) in batch.owned.enumerated() {
            recordsIn += 1
            switch cleaned[i] {
            case .rawDuplicate(let hash, let p):
                for (k, v) in p { pii[k, default: 0] += v }
                guard dedup.isExactDuplicate(hash) else { throw AIGCError.io("internal: raw duplicate with an unseen content hash") }
                try reject(r, batch.raw, .exactDuplicate, "same normalized content as an earlier record")
            case .cleaned(.dropped(let reason, let message)):
                try reject(r, batch.raw, reason, message)
            case .cleaned(.kept(let c)):
                for (k, v) in c.pii { pii[k, default: 0] += v }
                if dedup.isExactDuplicate(c.hash) {
                    try reject(r, batch.raw, .exactDuplicate, "same normalized content as an earlier record")
                    break
                }
                let rr = rendered[s]
                s += 1
                let split: Split = c.hash.unitInterval < options.valFraction ? .val : .train
                var outcome: Rejection? = nil
                if dedup.isNearDuplicate(rr.bands) {
                    outcome = Rejection(reason: .nearDuplicate, message: "MinHash-LSH near duplicate of an earlier record")
                } else if let lr = rr.lengthRejection {
                    outcome = lr
                }
                try journal.append(DocumentLogEntry(ordinal: r.ordinal, fileIndex: UInt32(r.fileIndex), line: UInt64(r.line), hash: c.hash,
                                                    dropped: outcome?.reason, split: split, truncated: rr.truncated,
                                                    bands: rr.bands, document: outcome == nil ? rr.document : nil))
                try keys?.append(ordinal: r.ordinal, hash: c.hash, bands: rr.bands)
                if let outcome {
                    try reject(r, batch.raw, outcome.reason, outcome.message)
                } else if let doc = rr.document {
                    try output.add(doc, split: split)
                    if rr.truncated { truncatedPerSplit[split, default: 0] += 1 }
                    kept += 1
                }
            }
            if output.wantsCheckpoint { try checkpoint(next: r.ordinal + 1) }
        }
    }
}
