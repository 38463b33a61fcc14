import AIGCCorpus
import Foundation
import Testing

/// Input splits of a corpus plan: every record in exactly one task, read once, with the numbers a single run gives.
@Suite struct InputSplitterTests {
    struct Rec: Equatable { var file: Int; var line: Int; var bytes: [UInt8] }

    /// Records of a whole-input read (the single run's view).
    func wholeRead(_ paths: [String], _ format: InputFormat) throws -> (records: [Rec], blank: Int) {
        let reader = InputReader(paths: paths, format: format)
        var out: [Rec] = []
        while let b = try reader.nextBatch(maxRecords: 7) {
            for r in b.records { out.append(Rec(file: r.fileIndex, line: r.line, bytes: Array(b.storage[r.range]))) }
        }
        return (out, reader.blankLines)
    }

    /// Plans `n` tasks, reads every task's ranges, renumbers lines as `merge` does, and checks the result against the
    /// whole read: same records, same order, each once; every input byte read exactly once by the tasks.
    func check(_ paths: [String], _ format: InputFormat, tasks n: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var planRead = 0
        let inputs = try InputSplitter.inspect(paths: paths, format: format, bytesRead: &planRead)
        let split = try InputSplitter.split(inputs, tasks: n, bytesRead: &planRead)
        #expect(split.count == n, sourceLocation: sourceLocation)
        let whole = try wholeRead(paths, format)
        var got: [Rec] = []
        var blank = 0, bytesRead = 0
        var linesBefore: [Int: Int] = [:]
        for ranges in split {
            let reader = InputReader(paths: paths, format: format, ranges: ranges)
            var mine: [Rec] = []
            while let b = try reader.nextBatch(maxRecords: 3) {
                for r in b.records { mine.append(Rec(file: r.fileIndex, line: r.line, bytes: Array(b.storage[r.range]))) }
            }
            #expect(reader.rangeCounts.count == ranges.count, sourceLocation: sourceLocation)
            // Lines of a range that starts inside a file continue from the earlier ranges of that file.
            var k = 0
            for (j, r) in ranges.enumerated() {
                let counts = reader.rangeCounts[j]
                for _ in 0..<counts.records {
                    if r.start > 0 { mine[k].line += linesBefore[r.input, default: 0] }
                    k += 1
                }
                linesBefore[r.input, default: 0] += counts.lines
                if r.start > 0 { #expect(j == 0, "only a task's first range starts inside a file", sourceLocation: sourceLocation) }
            }
            #expect(k == mine.count, sourceLocation: sourceLocation)
            got += mine
            blank += reader.blankLines
            bytesRead += reader.fileBytesRead
        }
        #expect(got == whole.records, "\(n) tasks", sourceLocation: sourceLocation)
        #expect(blank == whole.blank, sourceLocation: sourceLocation)
        #expect(bytesRead == inputs.reduce(0) { $0 + $1.bytes }, "tasks read each byte once", sourceLocation: sourceLocation)
    }

    func file(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func linesStraddlingEveryCut() throws {
        let dir = try TestSupport.tempDir()
        // Lines from 1 to 300 bytes, blank lines in between, no final newline.
        var text = ""
        for i in 0..<120 {
            text += "{\"text\":\"" + String(repeating: "abcdefghij", count: (i * 37) % 30) + "\(i)\"}\n"
            if i % 17 == 0 { text += "  \n" }
        }
        text.removeLast()
        let p = try file(Array(text.utf8), "a.jsonl", in: dir)
        for n in [1, 2, 3, 4, 7, 8, 16, 50, 200] { try check([p], .jsonl, tasks: n) }
    }

    @Test func crlfLines() throws {
        let dir = try TestSupport.tempDir()
        let text = (0..<60).map { "{\"text\":\"line \($0) " + String(repeating: "x", count: $0 % 13) + "\"}\r\n" }.joined()
        let p = try file(Array(text.utf8), "crlf.jsonl", in: dir)
        for n in [2, 3, 5, 9, 31] { try check([p], .jsonl, tasks: n) }
        // A cut can fall between \r and \n: the line still ends in its own task, without the \r.
        let whole = try wholeRead([p], .jsonl)
        #expect(whole.records.allSatisfy { $0.bytes.last != 0x0D })
    }

    @Test func cutInsideMultiByteCharacters() throws {
        let dir = try TestSupport.tempDir()
        // 4-byte, 3-byte and 2-byte characters only: most byte positions fall inside a character.
        let text = (0..<40).map { "{\"text\":\"" + String(repeating: "😀語é", count: 1 + $0 % 5) + "\"}\n" }.joined()
        let bytes = Array(text.utf8)
        let p = try file(bytes, "utf8.jsonl", in: dir)
        var insideACharacter = 0
        for n in 2...24 {
            for k in 1..<n where bytes.count / n * k + (bytes.count % n) * k / n < bytes.count {
                let c = bytes[bytes.count / n * k + (bytes.count % n) * k / n]
                if c & 0xC0 == 0x80 { insideACharacter += 1 }   // a continuation byte: the nominal cut splits a character
            }
            try check([p], .jsonl, tasks: n)
        }
        #expect(insideACharacter > 10)
        #expect(try wholeRead([p], .jsonl).records.allSatisfy { String(validating: $0.bytes, as: UTF8.self) != nil })
    }

    @Test func emptyAndOneLineFiles() throws {
        let dir = try TestSupport.tempDir()
        let empty = try file([], "empty.jsonl", in: dir)
        let one = try file(Array("{\"text\":\"only line, no newline\"}".utf8), "one.jsonl", in: dir)
        let oneNL = try file(Array("{\"text\":\"only line\"}\n".utf8), "one-nl.jsonl", in: dir)
        for n in [1, 2, 5] {
            try check([empty], .jsonl, tasks: n)
            try check([one], .jsonl, tasks: n)
            try check([empty, one, empty, oneNL, empty], .jsonl, tasks: n)
        }
        var read = 0
        let split = try InputSplitter.split(try InputSplitter.inspect(paths: [one], format: .jsonl, bytesRead: &read), tasks: 4, bytesRead: &read)
        #expect(split.filter { !$0.isEmpty }.count == 1, "a single line goes to one task")
    }

    @Test func gzipAndJSONArraysAreWholeUnits() throws {
        let dir = try TestSupport.tempDir()
        let lines = (0..<50).map { "{\"messages\":[{\"role\":\"user\",\"content\":\"q\($0)\"},{\"role\":\"assistant\",\"content\":\"a\($0)\"}]}" }
        let gz = try file(Self.gzipStored(Array(lines.joined(separator: "\n").utf8)), "c.jsonl.gz", in: dir)
        let array = try file(Array(("  [\n" + lines.joined(separator: ",\n") + "\n]\n").utf8), "arr.json", in: dir)
        let plain = try file(Array(lines.joined(separator: "\n").utf8), "plain.jsonl", in: dir)
        var read = 0
        let inputs = try InputSplitter.inspect(paths: [plain, gz, array, plain], format: .openai, bytesRead: &read)
        #expect(inputs.map(\.whole) == [false, true, true, false])
        for n in [1, 2, 3, 6, 12] {
            let split = try InputSplitter.split(inputs, tasks: n, bytesRead: &read)
            for (i, f) in inputs.enumerated() where f.whole {
                let pieces = split.flatMap { $0 }.filter { $0.input == i }
                #expect(pieces == [InputRange(input: i, start: 0, end: f.bytes)], "input \(i) read whole by one task")
            }
            try check([plain, gz, array, plain], .openai, tasks: n)
        }
        // `text` documents are whole units too.
        let t1 = try file(Array("one document\nwith lines\n".utf8), "t1.txt", in: dir)
        let t2 = try file(Array("another".utf8), "t2.txt", in: dir)
        #expect(try InputSplitter.inspect(paths: [t1, t2], format: .text, bytesRead: &read).allSatisfy(\.whole))
        for n in [1, 2, 3] { try check([t1, t2], .text, tasks: n) }
        // A reader refuses to read part of a gzip file or a JSON array.
        let g = InputReader(paths: [gz], format: .openai, ranges: [InputRange(input: 0, start: 0, end: 10)])
        #expect(throws: (any Error).self) { _ = try g.nextBatch() }
        let a = InputReader(paths: [array], format: .openai, ranges: [InputRange(input: 0, start: 0, end: 4)])
        #expect { _ = try a.nextBatch() } throws: { "\($0)".contains("JSON array is read whole") }
    }

    @Test func rangesThatDoNotFollowANewlineAreRefused() throws {
        let dir = try TestSupport.tempDir()
        let p = try file(Array("{\"text\":\"a\"}\n{\"text\":\"b\"}\n".utf8), "x.jsonl", in: dir)
        let r = InputReader(paths: [p], format: .jsonl, ranges: [InputRange(input: 0, start: 5, end: 26)])
        #expect { _ = try r.nextBatch() } throws: { "\($0)".contains("x.jsonl") && "\($0)".contains("does not start just after a newline") }
        let e = InputReader(paths: [p], format: .jsonl, ranges: [InputRange(input: 0, start: 0, end: 5)])
        #expect { _ = try e.nextBatch() } throws: { "\($0)".contains("does not end just after a newline") }
    }

    @Test func plannerReadsLittle() throws {
        let dir = try TestSupport.tempDir()
        let text = (0..<20_000).map { "{\"text\":\"record \($0) " + String(repeating: "y", count: $0 % 50) + "\"}\n" }.joined()
        let p = try file(Array(text.utf8), "big.jsonl", in: dir)
        var read = 0
        let inputs = try InputSplitter.inspect(paths: [p], format: .jsonl, bytesRead: &read)
        _ = try InputSplitter.split(inputs, tasks: 8, bytesRead: &read)
        #expect(read <= 8 * 4096 + 4096, "planner read \(read) of \(text.utf8.count) bytes")
    }

    /// A gzip member with one stored (uncompressed) deflate block per 65,535 bytes.
    static func gzipStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var i = 0
        repeat {
            let n = min(65_535, data.count - i)
            out.append(i + n == data.count ? 1 : 0)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var crc: UInt32 = 0xFFFF_FFFF
        for b in data {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc = ~crc
        for v in [crc, UInt32(truncatingIfNeeded: data.count)] { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
        return out
    }
}
