import AIGCCore
import Foundation

/// Writes nanoGPT's headerless token files (`train.bin`/`val.bin`: ids back to back, little-endian uint16 — what
/// nanoGPT's `np.memmap(..., dtype=np.uint16)` reads — or uint32 when the vocabulary does not fit), atomically.
public final class NanoGPTBinWriter {
    public let url: URL
    public let wide: Bool
    private let writer: AtomicFileWriter
    private var scratch: [UInt8] = []
    public private(set) var tokenCount = 0

    /// `wide`: uint32 ids (vocabularies of 65,536 or more), else uint16.
    public init(url: URL, wide: Bool) throws {
        self.url = url
        self.wide = wide
        writer = try AtomicFileWriter(url: url)
    }

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
        try writer.commit()
        return WrittenFile(url: url, bytes: writer.bytesWritten, sha256: writer.sha256)
    }
}
