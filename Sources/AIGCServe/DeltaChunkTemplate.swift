import Foundation
import NIOCore

/// The SSE event of one streamed text delta (`data: {chunk}\n\n`), written without `JSONSerialization`.
///
/// A stream sends one such event per generated token, and `JSONSerialization` with sorted keys spent most of its
/// time sorting the chunk's keys (a locale-aware compare per pair) and casting `Any` values: `perf` at concurrency 16
/// with bf16 weights put 10% of the server's CPU in it. The chunk's frame (`id`, `created`, `model`, the keys and
/// their order) is the same for every delta of a request, so it is serialized once, by `JSONSerialization` itself,
/// from the very dictionary `GenerationResponder.chunk` builds, with markers where the choice index and the text go;
/// each delta then only writes the index's digits and the escaped text between the frame's pieces. The bytes equal
/// `JSONOut.bytes(chunk(...))` (`DeltaChunkTemplateTests` checks every Unicode scalar and mixed strings).
struct DeltaChunkTemplate {
    /// The frame's pieces around the two holes, and which hole comes first (completions: index then text; chat:
    /// `delta.content` then index, as the keys sort).
    private let pieces: [[UInt8]]
    private let indexFirst: Bool

    static let textMarker = "@AIGC-DELTA-TEXT@"
    static let indexMarker = 7_205_759_403_792_793

    /// A template for the chunk that `build(index, text)` makes, or nil when the markers cannot be found exactly once
    /// (the caller then serializes every chunk).
    init?(_ build: (Int, String) -> [String: Any]) {
        let frame = Array("data: ".utf8) + JSONOut.bytes(build(Self.indexMarker, Self.textMarker)) + Array("\n\n".utf8)
        let text = Array("\"\(Self.textMarker)\"".utf8), index = Array(String(Self.indexMarker).utf8)
        let ts = Self.occurrences(of: text, in: frame), ix = Self.occurrences(of: index, in: frame)
        guard ts.count == 1, ix.count == 1 else { return nil }
        let t = ts[0], i = ix[0]
        indexFirst = i < t
        // The text hole keeps its quotes in the frame; the escaped characters go between them.
        let holes = indexFirst ? [(i, i + index.count), (t + 1, t + text.count - 1)]
                               : [(t + 1, t + text.count - 1), (i, i + index.count)]
        pieces = [Array(frame[..<holes[0].0]), Array(frame[holes[0].1 ..< holes[1].0]), Array(frame[holes[1].1...])]
    }

    /// The event for choice `index` carrying `text`.
    func event(index: Int, text: String) -> ByteBuffer {
        var b = ByteBuffer()
        b.reserveCapacity(pieces[0].count + pieces[1].count + pieces[2].count + 24 + text.utf8.count + text.utf8.count / 4)
        b.writeBytes(pieces[0])
        if indexFirst { b.writeString(String(index)) } else { Self.writeEscaped(text, to: &b) }
        b.writeBytes(pieces[1])
        if indexFirst { Self.writeEscaped(text, to: &b) } else { b.writeString(String(index)) }
        b.writeBytes(pieces[2])
        return b
    }

    /// A JSON string's characters as `JSONSerialization` writes them with `.withoutEscapingSlashes`: `"` and `\`
    /// backslashed, `\b \f \n \r \t` by name, other controls below U+0020 as `\u00xx` (lowercase hex), everything else
    /// (U+007F, non-ASCII) as its UTF-8 bytes.
    static func writeEscaped(_ s: String, to b: inout ByteBuffer) {
        let hex = Array("0123456789abcdef".utf8)
        var run = 0  // bytes of s.utf8 up to `i` not yet written
        var start = s.utf8.startIndex
        var i = start
        let u = s.utf8
        while i != u.endIndex {
            let c = u[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                run += 1
                i = u.index(after: i)
                continue
            }
            if run > 0 { b.writeBytes(u[start ..< i]) }
            switch c {
            case 0x22: b.writeStaticString("\\\"")
            case 0x5C: b.writeStaticString("\\\\")
            case 0x08: b.writeStaticString("\\b")
            case 0x0C: b.writeStaticString("\\f")
            case 0x0A: b.writeStaticString("\\n")
            case 0x0D: b.writeStaticString("\\r")
            case 0x09: b.writeStaticString("\\t")
            default: b.writeBytes([0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            }
            i = u.index(after: i)
            start = i
            run = 0
        }
        if run > 0 { b.writeBytes(u[start ..< i]) }
    }

    private static func occurrences(of needle: [UInt8], in hay: [UInt8]) -> [Int] {
        guard !needle.isEmpty, hay.count >= needle.count else { return [] }
        var out: [Int] = []
        for p in 0...(hay.count - needle.count) where hay[p] == needle[0] && Array(hay[p ..< p + needle.count]) == needle {
            out.append(p)
        }
        return out
    }
}
