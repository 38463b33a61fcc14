import AIGCCore
import AIGCTokenizer
import Foundation
import Testing

/// Streaming, parallel pre-token counting: same counts for any thread count and chunk size, lines keep their
/// `\n`, invalid UTF-8 lines are skipped and counted or fail with file, line and byte offset.
@Suite struct PreTokenCounterTests {
    /// A simple splitter for these tests: a token is an optional leading space plus a run of other bytes; every
    /// other whitespace byte is a token of its own.
    static let split: PreTokenSplitter = { text, body in
        var i = 0
        let n = text.count
        while i < n {
            let s = i
            if text[i] == 0x20 { i += 1 }
            while i < n && text[i] != 0x20 && text[i] != 0x0A && text[i] != 0x09 { i += 1 }
            if i == s { i += 1 }
            body(s..<i)
        }
    }

    static func reference(_ data: [UInt8]) -> [[UInt8]: UInt64] {
        var out: [[UInt8]: UInt64] = [:]
        var start = 0
        while start < data.count {
            let end = (data[start...].firstIndex(of: 0x0A).map { $0 + 1 }) ?? data.count
            let line = Array(data[start..<end])
            line.withUnsafeBufferPointer { p in split(p) { r in out[Array(p[r]), default: 0] += 1 } }
            start = end
        }
        return out
    }

    static func dictionary(_ c: PreTokenCounts) -> [[UInt8]: UInt64] {
        var d: [[UInt8]: UInt64] = [:]
        for i in 0..<c.distinctCount { let e = c.entry(i); d[Array(e.bytes), default: 0] += e.count }
        return d
    }

    func temp(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-count-\(UUID().uuidString).txt")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func sameCountsForAnyThreadsAndChunkSize() throws {
        var rng = SystemRandomNumberGenerator()
        let words = ["a", "bb", "ccc", "中文", "😀", "x\ty", "end"]
        var text = ""
        for _ in 0..<3000 {
            text += words.randomElement(using: &rng)!
            text += ["", " ", "  ", "\n", "\n\n", "\t"].randomElement(using: &rng)!
        }
        text += "no final newline"
        let data = Array(text.utf8)
        let path = try temp(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = Self.reference(data)
        for threads in [1, 2, 3] {
            for chunk in [16, 100, 4096, 1 << 20] {
                var counter = PreTokenCounter(split: Self.split, threads: threads)
                counter.chunkSize = chunk
                let (counts, stats) = try counter.count(files: [path])
                #expect(Self.dictionary(counts) == expected, "threads \(threads) chunk \(chunk)")
                #expect(stats.bytes == data.count)
                #expect(stats.lines == data.filter { $0 == 0x0A }.count + 1)
            }
        }
    }

    @Test func linesKeepTheirNewline() throws {
        let path = try temp(Array("a\nb\n\nc".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (counts, stats) = try PreTokenCounter(split: Self.split, threads: 1).count(files: [path, path])
        #expect(Self.dictionary(counts) == [Array("a".utf8): 2, Array("b".utf8): 2, Array("c".utf8): 2, [0x0A]: 6])
        #expect(stats.lines == 8)
    }

    @Test func invalidUTF8LinesSkippedOrFail() throws {
        var data = Array("good line\n".utf8)
        data += [0x62, 0x61, 0x64, 0xFF, 0x0A]          // line 2, bad byte at offset 13
        data += Array("ok\n".utf8)
        data += [0xE4, 0xB8, 0x0A]                      // line 4: truncated sequence at offset 18
        let path = try temp(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (counts, stats) = try PreTokenCounter(split: Self.split, threads: 2).count(files: [path])
        #expect(stats.invalidLinesSkipped == 2)
        #expect(stats.lines == 4)
        #expect(stats.invalidExamples == ["\(path):2 (byte offset 13)", "\(path):4 (byte offset 18)"])
        #expect(Self.dictionary(counts)[Array("bad".utf8)] == nil)
        #expect(Self.dictionary(counts)[Array("ok".utf8)] == 1)
        do {
            _ = try PreTokenCounter(split: Self.split, threads: 2, invalidLines: .fail).count(files: [path])
            Issue.record("expected an error")
        } catch let e as AIGCError {
            #expect(e.description.hasPrefix("\(path):2 (byte offset 13): invalid UTF-8"))
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: AIGCError.self) {
            try PreTokenCounter(split: Self.split).count(files: ["/nonexistent/aigc-train.txt"])
        }
    }
}
