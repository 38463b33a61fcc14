@testable import AIGCServe
import Foundation
import NIOCore
import Testing

/// The streamed delta events written from a template are byte for byte what `JSONSerialization` writes.
@Suite struct DeltaChunkTemplateTests {
    /// The chunk dictionaries of both kinds, as `GenerationResponder` builds them (with and without usage).
    static func builders() -> [(Int, String) -> [String: Any]] {
        func envelope(chat: Bool, usage: Bool) -> [String: Any] {
            var o: [String: Any] = ["id": "cmpl-00ff00ff00ff00ff0123456789abcdef", "created": 1_765_000_000, "model": "tiny.model-1",
                                    "object": chat ? "chat.completion.chunk" : "text_completion"]
            if chat { o["system_fingerprint"] = NSNull() }
            if usage { o["usage"] = NSNull() }
            return o
        }
        var out: [(Int, String) -> [String: Any]] = []
        for usage in [false, true] {
            out.append { i, t in
                var o = envelope(chat: false, usage: usage)
                o["choices"] = [["index": i, "text": t, "logprobs": NSNull(), "finish_reason": NSNull()] as [String: Any]]
                return o
            }
            out.append { i, t in
                var o = envelope(chat: true, usage: usage)
                o["choices"] = [["index": i, "delta": ["content": t], "logprobs": NSNull(), "finish_reason": NSNull()] as [String: Any]]
                return o
            }
        }
        return out
    }

    static func reference(_ build: (Int, String) -> [String: Any], _ i: Int, _ t: String) -> [UInt8] {
        Array("data: ".utf8) + JSONOut.bytes(build(i, t)) + Array("\n\n".utf8)
    }

    static func bytes(_ b: ByteBuffer) -> [UInt8] { Array(b.readableBytesView) }

    @Test func everyScalarAndMixedStringsMatchJSONSerialization() throws {
        let builders = Self.builders()
        for build in builders {
            let template = try #require(DeltaChunkTemplate(build))
            // Every scalar alone (controls, quotes, backslash, slash, DEL, U+2028, astral planes).
            for v in UInt32(0)...0x10FFFF where v < 0xD800 || v > 0xDFFF {
                guard v < 0x3000 || v % 97 == 0 else { continue }  // all of the BMP's start, a sample of the rest
                let t = String(Character(Unicode.Scalar(v)!))
                #expect(Self.bytes(template.event(index: Int(v % 40), text: t)) == Self.reference(build, Int(v % 40), t), "U+\(String(v, radix: 16))")
            }
            var g = SystemRandomNumberGenerator()
            let alphabet: [String] = ["a", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "中", "😀", "\u{2028}", "@AIGC", "ab"]
            for n in 0..<400 {
                let t = (0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! }.joined()
                #expect(Self.bytes(template.event(index: n, text: t)) == Self.reference(build, n, t), "\(t.debugDescription)")
            }
            // Text that replaced invalid UTF-8, the empty text and big indices.
            for t in [String(decoding: [0xFF, 0x41, 0xC3], as: UTF8.self), "", DeltaChunkTemplate.textMarker] {
                for i in [0, 9, 10, 127, 1_000_000] {
                    #expect(Self.bytes(template.event(index: i, text: t)) == Self.reference(build, i, t))
                }
            }
        }
    }
}
