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

    private var sinceCheckpoint = 0
    public var wantsCheckpoint: Bool { sinceCheckpoint >= checkpointBytes }
    /// Checkpoint after this many bytes of output.
    public var checkpointBytes = 64 << 20

    public init(directory: URL, vocabularySize: Int, resume: OutputCheckpoint? = nil) throws {
        self.directory = directory
        wide = NanoGPTBinWriter.needsWide(vocabularySize: vocabularySize)
        guard let r = resume else { return }
        for s in Split.allCases {
            guard let len = r.streamLengths["\(s.rawValue).bin"] else { continue }
            writers[s] = try NanoGPTBinWriter(url: directory.appendingPathComponent("\(s.rawValue).bin"), wide: wide, resumeAt: len)
        }
        for (k, v) in r.stats { if let s = Split(rawValue: k) { splitStats[s] = v } }
    }

    public func checkpoint() throws -> OutputCheckpoint {
        sinceCheckpoint = 0
        var c = OutputCheckpoint()
        for (s, w) in writers { c.streamLengths["\(s.rawValue).bin"] = try w.checkpoint() }
        for (s, st) in splitStats { c.stats[s.rawValue] = st }
        return c
    }

    public var stats: [Split: DatasetManifest.SplitStats] { splitStats }

    public func add(_ doc: TokenizedDocument, split: Split) throws {
        if writers[split] == nil {
            writers[split] = try NanoGPTBinWriter(url: directory.appendingPathComponent("\(split.rawValue).bin"), wide: wide)
        }
        try writers[split]!.append(doc.ids)
        sinceCheckpoint += doc.count * (wide ? 4 : 2)
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
