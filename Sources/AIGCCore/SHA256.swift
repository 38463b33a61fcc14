import CSHA256

/// SHA-256 (FIPS 180-4), streaming; blocks are compressed in C (x86 SHA extensions when present, which the
/// corpus builder needs: it hashes every input and output byte). Used for input/output hashes in manifests and for verifying shipped
/// vocabularies; small enough that it is not worth a crypto dependency.
public struct SHA256: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0


    public init() { buffer.reserveCapacity(64) }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(buffer: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let array = Array(bytes)
        array.withUnsafeBytes { update(buffer: $0) }
    }

    public mutating func update(buffer input: UnsafeRawBufferPointer) {
        length &+= UInt64(input.count)
        var i = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, input.count)
            buffer.append(contentsOf: input[0..<take])
            i = take
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (input.count - i) / 64
        if blocks > 0 {
            compress(input.baseAddress! + i, blocks: blocks)
            i += blocks * 64
        }
        if i < input.count { buffer.append(contentsOf: input[i...]) }
    }

    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var pad: [UInt8] = [0x80]
        let rem = (buffer.count + 1) % 64
        pad.append(contentsOf: repeatElement(0, count: rem <= 56 ? 56 - rem : 120 - rem))
        for s in stride(from: 56, through: 0, by: -8) { pad.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
        let saved = length
        update(pad)
        length = saved
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
            out.append(UInt8(w >> 24)); out.append(UInt8((w >> 16) & 0xff))
            out.append(UInt8((w >> 8) & 0xff)); out.append(UInt8(w & 0xff))
        }
        return out
    }

    public mutating func finalizeHex() -> String { SHA256.hex(finalize()) }

    public static func hash<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return s.finalizeHex()
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func compress(_ p: UnsafeRawPointer, blocks: Int) {
        withUnsafeMutableBytes(of: &h) { state in
            aigc_sha256_blocks(state.baseAddress!.assumingMemoryBound(to: UInt32.self),
                               p.assumingMemoryBound(to: UInt8.self), blocks)
        }
    }

    /// True when the x86 SHA extensions are in use.
    public static var isAccelerated: Bool { aigc_sha256_accelerated() != 0 }

    /// SHA-256 of one contiguous buffer, as lowercase hex.
    public static func hash(buffer: UnsafeRawBufferPointer) -> String {
        var s = SHA256()
        s.update(buffer: buffer)
        return s.finalizeHex()
    }
}
