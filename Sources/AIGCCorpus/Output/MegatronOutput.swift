import AIGCCore
import AIGCFormats
import Foundation

/// Megatron-LM output: per split `{split}.bin`/`{split}.idx` (MMIDIDX v1, one sequence per document; uint16 when
/// the vocabulary fits, else int32) and `{split}.loss.bin`, one byte per token (1 = trained), aligned with `.bin`.
public final class MegatronOutput: CorpusOutput {
    private var writers: [Split: (MegatronDatasetWriter, ResumableFile)] = [:]
    private var sinceCheckpoint = 0
    public var wantsCheckpoint: Bool { sinceCheckpoint >= checkpointBytes }
    /// Checkpoint after this many bytes of output.
    public var checkpointBytes = 64 << 20
    private var splitStats: [Split: DatasetManifest.SplitStats] = [:]
    public let directory: URL
    public let dtype: MegatronDType

    public init(directory: URL, vocabularySize: Int, resume: OutputCheckpoint? = nil) throws {
        self.directory = directory
        dtype = MegatronDType.optimal(vocabularySize: vocabularySize)
        guard let r = resume else { return }
        for s in Split.allCases {
            guard let binLength = r.streamLengths["\(s.rawValue).bin"], let lossLength = r.streamLengths["\(s.rawValue).loss.bin"] else { continue }
            writers[s] = (try MegatronDatasetWriter(prefix: directory.appendingPathComponent(s.rawValue), dtype: dtype,
                                                    resume: (binLength, r.lengths[s.rawValue] ?? [])),
                          try ResumableFile(url: directory.appendingPathComponent("\(s.rawValue).loss.bin"), resumeAt: lossLength))
        }
        for (k, v) in r.stats { if let s = Split(rawValue: k) { splitStats[s] = v } }
    }

    public func checkpoint() throws -> OutputCheckpoint {
        sinceCheckpoint = 0
        var c = OutputCheckpoint()
        for (s, (w, loss)) in writers {
            let (binLength, lengths) = try w.checkpoint()
            c.streamLengths["\(s.rawValue).bin"] = binLength
            c.streamLengths["\(s.rawValue).loss.bin"] = try loss.sync()
            c.lengths[s.rawValue] = lengths
        }
        for (s, st) in splitStats { c.stats[s.rawValue] = st }
        return c
    }

    public var stats: [Split: DatasetManifest.SplitStats] { splitStats }

    public func add(_ doc: TokenizedDocument, split: Split) throws {
        if writers[split] == nil {
            let prefix = directory.appendingPathComponent(split.rawValue)
            writers[split] = (try MegatronDatasetWriter(prefix: prefix, dtype: dtype),
                              try ResumableFile(url: directory.appendingPathComponent("\(split.rawValue).loss.bin")))
        }
        let (w, loss) = writers[split]!
        try w.addDocument(doc.ids)
        try doc.mask.withUnsafeBytes { try loss.write(bytes: $0) }
        sinceCheckpoint += doc.count * (1 + dtype.size)
        splitStats[split, default: .init()].documents += 1
        splitStats[split, default: .init()].rows += 1
        splitStats[split, default: .init()].tokens += doc.count
        splitStats[split, default: .init()].trainedTokens += doc.trainedCount
    }

    public func finish() throws -> [WrittenFile] {
        var files: [WrittenFile] = []
        for s in Split.allCases {
            guard let (w, loss) = writers[s] else { continue }
            let (bin, idx) = try w.finish()
            let l = try loss.commit()
            files += [bin, idx, WrittenFile(url: loss.url, bytes: l.bytes, sha256: l.sha256)]
        }
        return files
    }
}
