import AIGCCore
import Foundation

/// Reads a Megatron `MMIDIDX` v1 `.idx` file (for `aigc corpus inspect` and audits), validating every field.
public struct MegatronIndex: Sendable, Equatable {
    public var dtype: MegatronDType
    public var lengths: [Int32]
    public var pointers: [Int64]
    public var documentIndices: [Int64]

    public init(bytes b: [UInt8], path: String = "<memory>") throws {
        func fail(_ m: String) -> AIGCError { .input(location: path, message: "megatron index: \(m)") }
        guard b.count >= 34, Array(b[0..<9]) == MegatronDatasetWriter.magic else { throw fail("bad magic (not MMIDIDX)") }
        func u64(_ at: Int) -> UInt64 { b.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
        guard u64(9) == 1 else { throw fail("unsupported version \(u64(9))") }
        guard let dt = MegatronDType(rawValue: b[17]) else { throw fail("unknown dtype code \(b[17])") }
        let seqs = u64(18), docs = u64(26)
        guard seqs < UInt64(Int32.max), docs < UInt64(Int32.max),
              UInt64(b.count) == 34 + seqs * 12 + docs * 8 else { throw fail("size does not match its counts") }
        let n = Int(seqs), d = Int(docs)
        dtype = dt
        var off = 34
        lengths = b.withUnsafeBytes { r in (0..<n).map { Int32(littleEndian: r.loadUnaligned(fromByteOffset: off + 4 * $0, as: Int32.self)) } }
        off += 4 * n
        pointers = b.withUnsafeBytes { r in (0..<n).map { Int64(littleEndian: r.loadUnaligned(fromByteOffset: off + 8 * $0, as: Int64.self)) } }
        off += 8 * n
        documentIndices = b.withUnsafeBytes { r in (0..<d).map { Int64(littleEndian: r.loadUnaligned(fromByteOffset: off + 8 * $0, as: Int64.self)) } }
    }

    /// Checks the index against its `.bin` of `binBytes` bytes, so that no reader can go past the `.bin`'s end or
    /// read it with the wrong element width: every size ≥ 0, every pointer where the sizes before it put it
    /// (documents are stored back to back from 0), the sizes covering the `.bin` exactly (a uint16 index over int32
    /// data describes half its bytes), and document boundaries rising from 0 to the sequence count.
    public func validate(binBytes: Int, idxPath: String, binPath: String) throws {
        func fail(_ m: String) -> AIGCError { .input(location: idxPath, message: "megatron index: \(m)") }
        let size = Int64(dtype.size)
        var total: Int64 = 0
        for (i, len) in lengths.enumerated() {
            guard len >= 0 else { throw fail("sequence \(i) has size \(len)") }
            total += Int64(len)  // < 2^31 sequences of < 2^31 tokens: no overflow
        }
        guard total * size == Int64(binBytes) else {
            throw AIGCError.input(location: binPath, message: "\(binBytes) bytes, but its index \(idxPath) describes \(total) tokens of \(size) bytes (dtype \(dtype)): a wrong dtype, a corrupt size or a truncated file")
        }
        var expected: Int64 = 0
        for (i, len) in lengths.enumerated() {
            guard pointers[i] == expected else {
                throw fail("sequence \(i) starts at byte \(pointers[i]) of the .bin, expected \(expected) (the sizes before it add up to that)")
            }
            expected += Int64(len) * size
        }
        var last: Int64 = 0
        for (k, d) in documentIndices.enumerated() {
            guard d >= last, d <= Int64(lengths.count) else {
                throw fail("document boundary \(k) is \(d); boundaries must rise from 0 to \(lengths.count)")
            }
            if k == 0, d != 0 { throw fail("the first document boundary is \(d), not 0") }
            last = d
        }
        if !documentIndices.isEmpty, last != Int64(lengths.count) {
            throw fail("the last document boundary is \(last), not the sequence count \(lengths.count)")
        }
    }

    /// Reads `PREFIX.idx` and validates it against `PREFIX.bin` (which must exist): the one way every reader
    /// (corpus inspect, audit, pretrain) opens a Megatron dataset.
    public static func load(idx idxURL: URL, bin binURL: URL) throws -> MegatronIndex {
        let bytes = try InputFile.readAll(idxURL.path)
        let idx = try MegatronIndex(bytes: bytes, path: idxURL.path)
        var st = stat()
        guard stat(binURL.path, &st) == 0 else { throw AIGCError.io("\(binURL.path): cannot read: \(String(cString: strerror(errno)))") }
        try idx.validate(binBytes: Int(st.st_size), idxPath: idxURL.path, binPath: binURL.path)
        return idx
    }
}
