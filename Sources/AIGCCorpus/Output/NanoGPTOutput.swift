import AIGCCore
import AIGCFormats
import Foundation

/// nanoGPT output: per split a headerless `{split}.bin` of token ids (documents back to back, each ending with
/// end-of-text), uint16 — or uint32 when the vocabulary needs it (recorded in the manifest's options).
public final class NanoGPTOutput: CorpusOutput {
    private var writers: [Split: NanoGPTBinWriter] = [:]
    private var splitStats: [Split: DatasetManifest.SplitStats] = [:]
    public let directory: URL
    public let wide: Bool

    public init(directory: URL, vocabularySize: Int) {
        self.directory = directory
        wide = NanoGPTBinWriter.needsWide(vocabularySize: vocabularySize)
    }

    public var stats: [Split: DatasetManifest.SplitStats] { splitStats }

    public func add(_ doc: TokenizedDocument, split: Split) throws {
        if writers[split] == nil {
            writers[split] = try NanoGPTBinWriter(url: directory.appendingPathComponent("\(split.rawValue).bin"), wide: wide)
        }
        try writers[split]!.append(doc.ids)
        splitStats[split, default: .init()].documents += 1
        splitStats[split, default: .init()].tokens += doc.count
        splitStats[split, default: .init()].trainedTokens += doc.trainedCount
    }

    public func finish() throws -> [WrittenFile] {
        var files: [WrittenFile] = []
        for s in Split.allCases { if let w = writers[s] { files.append(try w.finish()) } }
        return files
    }
}
