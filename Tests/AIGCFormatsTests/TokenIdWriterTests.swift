import AIGCCore
import AIGCFormats
import Foundation
import Testing

/// `TokenIdWriter` (what `aigc encode` writes with): ids handed over window by window give the bytes of formatting
/// them all at once, and the writer itself holds a bounded number of ids (`.npy` spills to a temporary file).
@Suite struct TokenIdWriterTests {
    static func ids(_ n: Int) -> [UInt32] {
        var s: UInt64 = 12345
        return (0..<n).map { _ in s = s &* 6364136223846793005 &+ 1442695040888963407; return UInt32(truncatingIfNeeded: s >> 40) % 60000 }
    }

    /// Writes `chunks` through a writer into a temporary file and returns its bytes and the writer.
    static func written(_ format: TokenIdFormat, lines: Bool = false, spillAfter: Int = 1 << 20,
                        _ body: (TokenIdWriter) throws -> Void) throws -> ([UInt8], TokenIdWriter) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenidwriter-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try TokenIdWriter(format: format, lines: lines, sink: try OutputFile(path: url.path), vocabularySize: 60000,
                                  spillAfter: spillAfter)
        try body(w)
        try w.finish()
        return (Array(try Data(contentsOf: url)), w)
    }

    static func u32(_ ids: [UInt32]) -> [UInt8] { ids.withUnsafeBytes { Array($0) } }

    @Test func chunkedEqualsWhole() throws {
        let all = TokenIdWriterTests.ids(100_000)
        let chunks = stride(from: 0, to: all.count, by: 7777).map { Array(all[$0..<min(all.count, $0 + 7777)]) }
        var text: [UInt8] = []
        TokenIdText.line(all, into: &text)
        let u16 = all.map { UInt16($0) }.withUnsafeBytes { Array($0) }
        let npy = try Npy.header(dtype: .u32, shape: [all.count]) + TokenIdWriterTests.u32(all)
        for (format, want) in [(TokenIdFormat.text, text), (.u16, u16), (.u32, TokenIdWriterTests.u32(all)), (.npy, npy)] {
            let (got, w) = try TokenIdWriterTests.written(format, spillAfter: 10_000) { w in
                try w.write([UInt32]())  // an empty array changes nothing
                for c in chunks { try w.write(c) }
            }
            #expect(got == want, "\(format)")
            #expect(w.count == all.count)
            // npy: at most the spill threshold plus one handed-over array is ever held, not the 100,000 ids.
            #expect(w.maxHeldIds <= 10_000 + 7777, "\(format): held \(w.maxHeldIds) ids")
        }
        // Nothing but an empty text: text is one "\n", npy an empty array.
        #expect(try TokenIdWriterTests.written(.text) { _ in }.0 == [0x0A])
        #expect(try TokenIdWriterTests.written(.npy) { _ in }.0 == Npy.header(dtype: .u32, shape: [0]))
    }

    @Test func linesEndWithTheirTerminators() throws {
        let a = TokenIdWriterTests.ids(10), b: [UInt32] = [], c = TokenIdWriterTests.ids(3)
        var text: [UInt8] = []
        for l in [a, b, c] { TokenIdText.line(l, into: &text) }
        let (gotText, _) = try TokenIdWriterTests.written(.text, lines: true) { w in
            try w.write(a[..<4]); try w.write(a[4...]); try w.endLine()
            try w.writeLines(2, ids: c, ends: [0, 3])
        }
        #expect(gotText == text)
        let (gotU32, _) = try TokenIdWriterTests.written(.u32, lines: true) { w in
            try w.writeLines(1, ids: a, ends: [10]); try w.endLine(); try w.write(c); try w.endLine()
        }
        #expect(gotU32 == TokenIdWriterTests.u32(a + [UInt32.max] + [UInt32.max] + c + [UInt32.max]))
        #expect(throws: AIGCError.self) { _ = try TokenIdWriterTests.written(.u32) { w in try w.endLine() } }
        #expect(throws: AIGCError.self) { _ = try TokenIdWriterTests.written(.u32, lines: true) { w in try w.write(a); try w.writeLines(1, ids: c, ends: [3]) } }
        #expect(throws: AIGCError.usage("TokenIdFormat.npy holds one array; it cannot be used with TokenIdWriter.lines")) {
            _ = try TokenIdWriter(format: .npy, lines: true, sink: try OutputFile(path: "/dev/null"), vocabularySize: 10)
        }
        #expect(throws: AIGCError.usage("TokenIdFormat.u16 needs a vocabulary below 65535 ids (this one has 70000); use TokenIdFormat.u32")) {
            _ = try TokenIdWriter(format: .u16, lines: false, sink: try OutputFile(path: "/dev/null"), vocabularySize: 70000)
        }
    }
}
