import AIGCCore
import Foundation

/// Writes a Megatron-LM `MMIDIDX` v1 indexed dataset: `PREFIX.bin` (token ids back to back, little-endian, in the
/// chosen dtype) and `PREFIX.idx`, byte for byte as `_IndexWriter` in Megatron's indexed_dataset.py lays it out:
///
///     magic  b"MMIDIDX\x00\x00"      9 bytes
///     version                       u64 = 1
///     dtype code                    u8
///     sequence count                u64
///     document count                u64   (= len(document_indices), which starts with 0)
///     sequence lengths              i32[sequence count]
///     sequence pointers (byte offs) i64[sequence count]
///     document indices              i64[document count]
///
/// Each `addDocument` is one sequence and one document (document_indices = 0, 1, …, n). The `.bin` streams to
/// disk (a `ResumableFile`, so an interrupted build can continue it); lengths are kept in memory (4 bytes per
/// document) until `finish()` writes the index. Both files appear under their final names only when complete.
public final class MegatronDatasetWriter {
    public static let magic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]
    public let binURL: URL
    public let idxURL: URL
    public let dtype: MegatronDType
    private let bin: ResumableFile
    private var lengths: [Int32] = []
    private var scratch: [UInt8] = []

    /// `resume`: continue an interrupted writer from its checkpoint (`.bin` length and sequence lengths).
    public init(prefix: URL, dtype: MegatronDType, resume: (binLength: Int, lengths: [Int32])? = nil) throws {
        guard dtype == .uint16 || dtype == .int32 || dtype == .int64 || dtype == .uint8 else {
            throw AIGCError.usage("megatron: token ids must be an integer dtype")
        }
        binURL = URL(fileURLWithPath: prefix.path + ".bin")
        idxURL = URL(fileURLWithPath: prefix.path + ".idx")
        self.dtype = dtype
        bin = try ResumableFile(url: binURL, resumeAt: resume?.binLength)
        lengths = resume?.lengths ?? []
    }

    /// Makes everything written durable; returns what `resume` needs.
    public func checkpoint() throws -> (binLength: Int, lengths: [Int32]) {
        (try bin.sync(), lengths)
    }

    public var documentCount: Int { lengths.count }

    /// Appends one document (one sequence). Ids must fit the dtype.
    public func addDocument(_ ids: [UInt32]) throws {
        guard ids.count <= Int(Int32.max) else { throw AIGCError.usage("megatron: sequence longer than 2^31-1 tokens") }
        scratch.removeAll(keepingCapacity: true)
        switch dtype {
        case .uint16:
            for id in ids {
                guard id <= UInt32(UInt16.max) else { throw AIGCError.usage("megatron: id \(id) does not fit uint16") }
                scratch.append(UInt8(id & 0xff)); scratch.append(UInt8(id >> 8))
            }
        case .uint8:
            for id in ids {
                guard id <= 255 else { throw AIGCError.usage("megatron: id \(id) does not fit uint8") }
                scratch.append(UInt8(id))
            }
        case .int32:
            for id in ids {
                guard id <= UInt32(Int32.max) else { throw AIGCError.usage("megatron: id \(id) does not fit int32") }
                withUnsafeBytes(of: id.littleEndian) { scratch.append(contentsOf: $0) }
            }
        default:
            for id in ids { withUnsafeBytes(of: UInt64(id).littleEndian) { scratch.append(contentsOf: $0) } }
        }
        try scratch.withUnsafeBytes { try bin.write(bytes: $0) }
        lengths.append(Int32(ids.count))
    }

    /// The `.idx` bytes for the given sequence lengths (one document per sequence).
    public static func indexBytes(lengths: [Int32], dtype: MegatronDType) -> [UInt8] {
        var out: [UInt8] = magic
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u64(1)
        out.append(dtype.rawValue)
        u64(UInt64(lengths.count))
        u64(UInt64(lengths.count + 1))
        out.reserveCapacity(out.count + lengths.count * 20 + 8)
        for l in lengths { withUnsafeBytes(of: l.littleEndian) { out.append(contentsOf: $0) } }
        var pointer: Int64 = 0
        for l in lengths {
            i64(pointer)
            pointer += Int64(l) * Int64(dtype.size)
        }
        for d in 0...lengths.count { i64(Int64(d)) }
        return out
    }

    /// Writes the index and renames both files into place. Returns (bin, idx) sizes and SHA-256s.
    public func finish() throws -> (bin: WrittenFile, idx: WrittenFile) {
        let b = try bin.commit()
        let idx = Self.indexBytes(lengths: lengths, dtype: dtype)
        let w = try AtomicFileWriter(url: idxURL)
        try w.write(idx)
        try w.commit()
        return (WrittenFile(url: binURL, bytes: b.bytes, sha256: b.sha256),
                WrittenFile(url: idxURL, bytes: w.bytesWritten, sha256: w.sha256))
    }
}
