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
}
