import AIGCTokenizer
import AIGCCore
import Foundation
import Testing

/// `encodeOrdinary(bytes:emit:)` and `encode(bytes:allowedSpecial:…emit:)` hand ids over a bounded window at a time
/// whatever the length of the line or of its longest pre-token, and the concatenation is exactly the whole encoding
/// (`aigc encode` writes as they come; issue 20: "bound memory for any line length").
@Suite struct StreamingEncodeTests {
    /// One line without a newline: mixed text with spaces (cut into chunks), then 600 KB of letters without a space
    /// (one giant pre-token, no safe cut), then mixed text again.
    static func giantLine() -> [UInt8] {
        var rng = TF.RNG(s: 77)
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let paragraph = Array("The committee met at 10:30; «résumé» naïve café. 日本語の文章とテキスト。 Привет, мир! 123,456 😀 ".utf8)
        var out: [UInt8] = []
        while out.count < 300_000 { out += paragraph }
        out += (0..<600_000).map { _ in letters[rng.int(letters.count)] }
        while out.count < 1_000_000 { out += paragraph }
        return out
    }

    @Test(arguments: ["cl100k_base", "o200k_base"])
    func aGiantLineIsHandedOverInBoundedWindows(encoding: String) throws {
        let line = StreamingEncodeTests.giantLine()
        let window = 4096
        for threads in [1, 2] {
            var tok = TF.named(encoding)
            tok.threads = threads
            let whole = line.withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0) }
            let bound = window + tok.model.windowingForTesting.threshold
            #expect(whole.count > 2 * bound, "the line must hold more ids than the bound for the test to mean anything")
            let s = try tok.encodeOrdinaryStreamingForTesting(line, window: window)
            #expect(s.ids == whole, "threads \(threads)")
            #expect(s.longest <= bound, "threads \(threads): an array of \(s.longest) ids was handed over at once (bound \(bound))")
            #expect(s.emits >= whole.count / bound, "threads \(threads): \(s.emits) arrays for \(whole.count) ids")
        }
    }

    /// A file encoded window by window (`encodeOrdinary(reading:…)`, as `aigc encode FILE` does) gives exactly the
    /// whole text's ids, for windows far smaller than the text: cut at safe cuts only, a window without one grows
    /// (the 600 KB line of letters), and parts start where the one before ended. Texts mixing scripts, CRLF, runs of
    /// spaces and newlines, digits and emoji; windows from 64 bytes to larger than the file.
    @Test(arguments: ["cl100k_base", "o200k_base"])
    func aFileReadInWindowsEncodesExactlyAsOneText(encoding: String) throws {
        var rng = TF.RNG(s: 91)
        let pieces = ["Hello", " world", "\r\n", "\n\n", "   ", "日本語", " Привет", "١٢٣", " 42", "😀👍🏽", "\t", "don't",
                      " é", "  \n", "x", "नमस्ते", "\u{200D}", "/", "ß", " A"]
        var mixed: [UInt8] = []
        while mixed.count < 200_000 { mixed += Array(pieces[rng.int(pieces.count)].utf8) }
        let texts = [StreamingEncodeTests.giantLine(), mixed, Array("short file, no cut at all".utf8)]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-windows-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var tok = TF.named(encoding)
        tok.threads = 2
        for text in texts {
            try Data(text).write(to: URL(fileURLWithPath: path))
            let whole = text.withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0) }
            for window in [64, 1000, 65_536, 4 << 20] {
                let r = try tok.encodeOrdinaryReadingForTesting(path: path, window: window)
                #expect(r.ids == whole, "window \(window), \(text.count) bytes")
                #expect(r.parts.first == 0 && r.parts == r.parts.sorted())
                if window < text.count / 4 { #expect(r.parts.count > 2, "window \(window): \(r.parts.count) parts") }
            }
        }
        let hf = try Tokenizer(contentsOf: TF.url("hf-bytelevel.json"))
        #expect(!hf.canEncodeInWindows)
        #expect(throws: AIGCError.self) { try hf.encodeOrdinaryReadingForTesting(path: path, window: 64) }
    }

    /// The HF byte-level fixture (prefix space, its own pre-tokenizer: the unchunkable path) and special tokens
    /// between giant parts stream exactly too.
    @Test func prefixSpaceAndSpecialTokensStreamExactly() throws {
        let hf = try Tokenizer(contentsOf: TF.url("hf-bytelevel.json"))
        let line = Array(StreamingEncodeTests.giantLine()[250_000..<550_000])
        let whole = line.withUnsafeBufferPointer { hf.encodeOrdinary(bytes: $0) }
        let s = try hf.encodeOrdinaryStreamingForTesting(line, window: 1000)
        #expect(s.ids == whole)
        #expect(s.longest <= 1000 + hf.model.windowingForTesting.threshold && s.emits > 10)

        let tok = TF.cl100k
        let text = line + Array("<|endoftext|>".utf8) + line
        let want = try text.withUnsafeBufferPointer { try tok.encode(bytes: $0, allowedSpecial: .all) }
        var got: [UInt32] = []
        var longest = 0
        try text.withUnsafeBufferPointer { p in
            try tok.encode(bytes: p, allowedSpecial: .all) { ids in got += ids; longest = max(longest, ids.count) }
        }
        #expect(got == want)
        #expect(want.contains(100257))
        #expect(longest <= Tokenizer.emitWindow + tok.model.windowingForTesting.threshold, "\(longest) ids at once")
    }

    /// An error thrown by the consumer in the middle of a giant pre-token stops the encoding there.
    @Test func aConsumerErrorStopsInsideAGiantPiece() throws {
        struct Full: Error {}
        let letters = Array(StreamingEncodeTests.giantLine()[300_000..<800_000])
        var tok = TF.cl100k
        tok.threads = 1
        var calls = 0
        #expect(throws: Full.self) {
            try letters.withUnsafeBufferPointer { p in
                try tok.encodeOrdinary(bytes: p) { _ in
                    calls += 1
                    if calls == 2 { throw Full() }
                }
            }
        }
        #expect(calls == 2)
    }
}
