import AIGCCore
import Foundation

/// Writes nanoGPT's headerless token files (`train.bin`/`val.bin`: ids back to back, little-endian uint16 — what
/// nanoGPT's `np.memmap(..., dtype=np.uint16)` reads — or uint32 when the vocabulary does not fit); the file
/// gets its final name only when complete.
public final class NanoGPTBinWriter {
    public let url: URL
    public let wide: Bool
    private let writer: ResumableFile
    private var scratch: [UInt8] = []
    public private(set) var tokenCount = 0

    /// `wide`: uint32 ids (vocabularies of 65,536 or more), else uint16.
    /// `resumeAt`: continue an interrupted file from its checkpointed length.
    public init(url: URL, wide: Bool, resumeAt: Int? = nil) throws {
        self.url = url
        self.wide = wide
        writer = try ResumableFile(url: url, resumeAt: resumeAt)
        tokenCount = (resumeAt ?? 0) / (wide ? 4 : 2)
    }

    /// Makes everything written durable; returns the length to resume at.
    public func checkpoint() throws -> Int { try writer.sync() }

    public static func needsWide(vocabularySize: Int) -> Bool { vocabularySize > 65_536 }

    public func append(_ ids: [UInt32]) throws {
        scratch.removeAll(keepingCapacity: true)
        if wide {
            for id in ids { withUnsafeBytes(of: id.littleEndian) { scratch.append(contentsOf: $0) } }
        } else {
            for id in ids {
                guard id <= UInt32(UInt16.max) else { throw AIGCError.usage("nanogpt: id \(id) does not fit uint16") }
                scratch.append(UInt8(id & 0xff)); scratch.append(UInt8(id >> 8))
            }
        }
        try scratch.withUnsafeBytes { try writer.write(bytes: $0) }
        tokenCount += ids.count
    }

    public func finish() throws -> WrittenFile {
        let r = try writer.commit()
        return WrittenFile(url: url, bytes: r.bytes, sha256: r.sha256)
    }
}
