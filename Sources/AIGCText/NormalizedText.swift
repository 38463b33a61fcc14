import AIGCCore
/// Text after normalization, with an optional alignment back to the original bytes.
///
/// `origin[i]` is the byte offset in the original input that output byte `i` came from. Unchanged bytes map one to
/// one; bytes produced by a rewrite (a normalized segment, a case-mapped word) map to the start of the source
/// code point when the rewrite keeps the number of code points, else to the start of the rewritten segment.
/// Offsets are therefore monotonic and always inside the input.
public struct NormalizedText: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Per output byte, its original byte offset; `nil` when alignment was not requested.
    public var origin: [Int]?
    /// Length of the original input in bytes.
    public var originalLength: Int

    public init(bytes: [UInt8], origin: [Int]?, originalLength: Int) {
        self.bytes = bytes
        self.origin = origin
        self.originalLength = originalLength
    }

    /// Identity alignment over `bytes`.
    public init(original bytes: [UInt8], trackOffsets: Bool) {
        self.bytes = bytes
        self.origin = trackOffsets ? Array(0..<bytes.count) : nil
        self.originalLength = bytes.count
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Maps a byte offset of the normalized text (0...bytes.count) to a byte offset of the original text.
    /// `bytes.count` maps to the original length. Requires alignment (`trackOffsets: true`).
    public func originalOffset(_ normalizedOffset: Int) -> Int? {
        guard let origin else { return nil }
        if normalizedOffset < 0 || normalizedOffset > bytes.count { return nil }
        if normalizedOffset == bytes.count { return originalLength }
        return origin[normalizedOffset]
    }

    /// Maps a byte range of the normalized text to the smallest original range that produced it.
    public func originalRange(_ r: Range<Int>) -> Range<Int>? {
        guard let lo = originalOffset(r.lowerBound) else { return nil }
        guard r.upperBound > r.lowerBound else { return lo..<lo }
        guard let origin, r.upperBound <= bytes.count else { return nil }
        // The end is the original offset of the first byte after the range that maps past the last byte's origin.
        let lastOrigin = origin[r.upperBound - 1]
        var j = r.upperBound
        while j < bytes.count && origin[j] <= lastOrigin { j += 1 }
        let hi = j == bytes.count ? originalLength : origin[j]
        return lo..<max(hi, lo)
    }
}

/// Accumulates one step's output with its alignment.
@usableFromInline
struct TextBuilder {
    var bytes: [UInt8]
    var origin: [Int]?

    init(capacity: Int, tracking: Bool) {
        bytes = []
        bytes.reserveCapacity(capacity)
        origin = tracking ? [] : nil
        origin?.reserveCapacity(capacity)
    }

    /// Copies `src[range]` unchanged (alignment carried over one to one).
    @inline(__always)
    mutating func copy(_ src: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, srcOrigin: [Int]?) {
        if range.isEmpty { return }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: src[range]))
        if origin != nil, let so = srcOrigin { origin!.append(contentsOf: so[range]) }
    }

    /// Appends one byte that came from source byte `from`.
    @inline(__always)
    mutating func append(_ b: UInt8, from: Int, srcOrigin: [Int]?) {
        bytes.append(b)
        if origin != nil, let so = srcOrigin { origin!.append(so[from]) }
    }

    /// Appends new bytes produced from the source segment starting at `from`.
    @inline(__always)
    mutating func emit<C: Collection>(_ newBytes: C, from: Int, srcOrigin: [Int]?) where C.Element == UInt8 {
        bytes.append(contentsOf: newBytes)
        if origin != nil, let so = srcOrigin {
            let o = from < so.count ? so[from] : (so.last.map { $0 + 1 } ?? 0)
            origin!.append(contentsOf: repeatElement(o, count: newBytes.count))
        }
    }

    /// Appends the UTF-16 `output` that replaced source segment `seg` (valid UTF-8). When the code-point counts
    /// agree, aligns code point by code point; otherwise everything maps to the segment start.
    mutating func emitUTF16(_ output: UnsafeBufferPointer<UInt16>, replacing seg: Range<Int>,
                            in src: UnsafeBufferPointer<UInt8>, srcOrigin: [Int]?) {
        let tracking = origin != nil && srcOrigin != nil
        var starts: [Int] = []
        if tracking {
            var i = seg.lowerBound
            while i < seg.upperBound { starts.append(i); i += UTF8Bytes.sequenceLength(lead: src[i]) }
            var cps = 0
            var k = 0
            while k < output.count {
                let u = output[k]
                k += (u & 0xFC00) == 0xD800 && k + 1 < output.count ? 2 : 1
                cps += 1
            }
            if cps != starts.count { starts = [] }
        }
        var k = 0
        var cpIndex = 0
        while k < output.count {
            var c = UInt32(output[k])
            if (c & 0xFC00) == 0xD800 && k + 1 < output.count && (output[k + 1] & 0xFC00) == 0xDC00 {
                c = 0x10000 + ((c - 0xD800) << 10) + (UInt32(output[k + 1]) - 0xDC00)
                k += 2
            } else {
                if (c & 0xF800) == 0xD800 { c = 0xFFFD }
                k += 1
            }
            let before = bytes.count
            UTF8Bytes.append(c, to: &bytes)
            if tracking {
                let from = starts.isEmpty ? seg.lowerBound : starts[cpIndex]
                let o = srcOrigin![from]
                for _ in before..<bytes.count { origin!.append(o) }
            }
            cpIndex += 1
        }
    }
}

/// UTF-8 → UTF-16 for a valid UTF-8 slice.
@usableFromInline
func utf16(of src: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt16]) {
    out.removeAll(keepingCapacity: true)
    UTF8Bytes.forEachUTF16(src, range) { u, _ in out.append(u) }
}
