import AIGCCore
import AIGCFormats
import Foundation

/// Megatron-LM output: per split `{split}.bin`/`{split}.idx` (MMIDIDX v1, one sequence per document; uint16 when
/// the vocabulary fits, else int32) and `{split}.loss.bin`, one byte per token (1 = trained), aligned with `.bin`.
public final class MegatronOutput: CorpusOutput {
    private var writers: [Split: (MegatronDatasetWriter, AtomicFileWriter)] = [:]
    private var splitStats: [Split: DatasetManifest.SplitStats] = [:]
    public let directory: URL
    public let dtype: MegatronDType

    public init(directory: URL, vocabularySize: Int) {
        self.directory = directory
        dtype = MegatronDType.optimal(vocabularySize: vocabularySize)
    }

    public var stats: [Split: DatasetManifest.SplitStats] { splitStats }

    public func add(_ doc: TokenizedDocument, split: Split) throws {
        if writers[split] == nil {
            let prefix = directory.appendingPathComponent(split.rawValue)
            writers[split] = (try MegatronDatasetWriter(prefix: prefix, dtype: dtype),
                              try AtomicFileWriter(url: directory.appendingPathComponent("\(split.rawValue).loss.bin")))
        }
        let (w, loss) = writers[split]!
        try w.addDocument(doc.ids)
        try doc.mask.withUnsafeBytes { try loss.write(bytes: $0) }
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
            try loss.commit()
            files += [bin, idx, WrittenFile(url: loss.url, bytes: loss.bytesWritten, sha256: loss.sha256)]
        }
        return files
    }
}
