import AIGCCore
import AIGCFormats
import Foundation

/// The order-dependent half of a build: deduplication decisions, counters, rejects, the journal, packing and
/// writing. It runs on one serial queue, batch after batch in input order, overlapping with the parallel parse/
/// tokenize stages of the next batch; only that queue touches it until the build drains it.
final class BuildState: @unchecked Sendable {
    let options: CorpusBuildOptions
    let fingerprint: String
    let directory: URL
    let output: CorpusOutput
    let rejects: RejectsWriter?
    let journal: DocumentLog.Writer
    var dedup: DedupState
    var dropped: [DropReason: Int] = [:]
    var pii: [PIIKind: Int] = [:]
    var truncatedPerSplit: [Split: Int] = [:]
    var kept = 0
    var recordsIn = 0
    var checkpoints = 0
    var stopAfterCheckpoints: Int?

    init(options: CorpusBuildOptions, fingerprint: String, directory: URL, output: CorpusOutput, rejects: RejectsWriter?,
         journal: DocumentLog.Writer, dedup: DedupState) {
        self.options = options
        self.fingerprint = fingerprint
        self.directory = directory
        self.output = output
        self.rejects = rejects
        self.journal = journal
        self.dedup = dedup
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
            journalLength: try journal.sync(), rejectsLength: try rejects?.sync(), output: out)
        try c.save(in: directory)
        checkpoints += 1
        if let stop = stopAfterCheckpoints, checkpoints >= stop {
            throw AIGCError.io("stopped after \(checkpoints) checkpoints (test hook)")
        }
    }

    /// Applies one batch's results in record order.
    func consume(_ mine: [RawRecord], _ batch: RawBatch, _ stage1: [StageOneResult], _ rendered: [RenderedRecord]) throws {
        var s = 0
        for (i, r) in mine.enumerated() {
            recordsIn += 1
            switch stage1[i] {
            case .rawDuplicate(let hash, let p):
                for (k, v) in p { pii[k, default: 0] += v }
                guard dedup.isExactDuplicate(hash) else { throw AIGCError.io("internal: raw duplicate with an unseen content hash") }
                try reject(r, batch, .exactDuplicate, "same normalized content as an earlier record")
            case .cleaned(.dropped(let reason, let message)):
                try reject(r, batch, reason, message)
            case .cleaned(.kept(let c)):
                for (k, v) in c.pii { pii[k, default: 0] += v }
                if dedup.isExactDuplicate(c.hash) {
                    try reject(r, batch, .exactDuplicate, "same normalized content as an earlier record")
                    break
                }
                let rr = rendered[s]
                s += 1
                let split: Split = c.hash.unitInterval < options.valFraction ? .val : .train
                var outcome: Rejection? = nil
                if dedup.isNearDuplicate(rr.bands ?? []) {
                    outcome = Rejection(reason: .nearDuplicate, message: "MinHash-LSH near duplicate of an earlier record")
                } else if let lr = rr.lengthRejection {
                    outcome = lr
                }
                try journal.append(DocumentLogEntry(ordinal: r.ordinal, fileIndex: UInt32(r.fileIndex), line: UInt64(r.line), hash: c.hash,
                                                    dropped: outcome?.reason, split: split, truncated: rr.truncated,
                                                    bands: rr.bands ?? [], document: outcome == nil ? rr.document : nil))
                if let outcome {
                    try reject(r, batch, outcome.reason, outcome.message)
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
