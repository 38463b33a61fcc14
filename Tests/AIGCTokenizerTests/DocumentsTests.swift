import AIGCCore
import Foundation
import Testing
@testable import AIGCTokenizer

/// Many documents at once (`encodeOrdinaryDocuments`, `encodeOrdinaryBatch`): every document's ids are exactly
/// `encodeOrdinary` of it alone, for any thread count and across group boundaries.
@Suite struct DocumentsTests {
    @Test func lineRanges() {
        func lines(_ s: String) -> [String] {
            let b = Array(s.utf8)
            return b.withUnsafeBufferPointer { p in Tokenizer.lineRanges(p).map { String(decoding: b[$0], as: UTF8.self) } }
        }
        #expect(lines("") == [])
        #expect(lines("\n") == [""])
        #expect(lines("a") == ["a"])
        #expect(lines("a\n") == ["a"])
        #expect(lines("a\n\nb") == ["a", "", "b"])
        #expect(lines("\n\n") == ["", ""])
        #expect(lines("é\r\nж\n") == ["é\r", "ж"])
    }

    @Test func groupsDependOnSizesOnly() {
        #expect(Tokenizer.documentGroups([Int]()) == [])
        #expect(Tokenizer.documentGroups([1, 2, 3]) == [3])
        let many = Tokenizer.documentGroups(Array(repeating: 0, count: Tokenizer.documentGroupCount * 2 + 1))
        #expect(many == [Tokenizer.documentGroupCount, Tokenizer.documentGroupCount * 2, Tokenizer.documentGroupCount * 2 + 1])
        let big = Tokenizer.documentGroups([Tokenizer.documentGroupBytes, 1, Tokenizer.documentGroupBytes - 3, 5])
        #expect(big == [1, 3, 4])
    }

    /// ~12,000 random lines (several groups by count and by bytes, some long lines) on 1 and 3 threads.
    @Test(arguments: ["cl100k_base", "o200k_base"]) func documentsEqualOneByOne(name: String) throws {
        var rng = TF.RNG(s: 11)
        var lines = (0..<12_000).map { _ in
            String(decoding: TF.randomText(&rng).utf8.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
        }
        lines[17] = String(repeating: "ab", count: 50_000)   // one 100 KB line: a group of its own
        lines[18] = ""
        let text = lines.joined(separator: "\n") + "\n"
        let bytes = Array(text.utf8)
        let tok = TF.named(name)
        let expected = lines.map { tok.encodeOrdinary($0) }
        for threads in [1, 3] {
            var t = tok
            t.threads = threads
            var got: [[UInt32]] = []
            var groups = 0
            try bytes.withUnsafeBufferPointer { p in
                let ranges = Tokenizer.lineRanges(p)
                #expect(ranges.count == lines.count)
                try t.encodeOrdinaryDocuments(bytes: p, ranges: ranges) { g in
                    #expect(g.first == got.count)
                    for k in g.ends.indices { got.append(Array(g.ids(of: k))) }
                    groups += 1
                }
            }
            #expect(groups > 3)
            #expect(got == expected)
            #expect(t.encodeOrdinaryBatch(lines) == expected)
        }
    }

    /// An error from `emit` stops the run: nothing after the failing group is emitted, and the error surfaces.
    @Test func emitErrorStops() throws {
        struct Stop: Error {}
        let lines = Array(repeating: "hello world", count: Tokenizer.documentGroupCount * 3)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var t = TF.cl100k
        t.threads = 2
        var seen = 0
        #expect(throws: Stop.self) {
            try bytes.withUnsafeBufferPointer { p in
                try t.encodeOrdinaryDocuments(bytes: p, ranges: Tokenizer.lineRanges(p)) { _ in
                    seen += 1
                    if seen == 2 { throw Stop() }
                }
            }
        }
        #expect(seen == 2)
    }

    /// Through an HF normalizer (NFC): each document is normalized on its own, as `encodeOrdinary` does.
    @Test func normalizerTokenizer() throws {
        let hf = try Tokenizer(contentsOf: TF.url("hf-split.json"))
        let lines = TF.lines(TF.text("golden.txt")).prefix(300).map { $0 + " Cafe\u{301}" }
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var got: [[UInt32]] = []
        try bytes.withUnsafeBufferPointer { p in
            try hf.encodeOrdinaryDocuments(bytes: p, ranges: Tokenizer.lineRanges(p)) { g in
                for k in g.ends.indices { got.append(Array(g.ids(of: k))) }
            }
        }
        #expect(got == lines.map { hf.encodeOrdinary($0) })
    }
}
