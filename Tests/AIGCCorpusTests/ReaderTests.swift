import AIGCCorpus
import Foundation
import Testing

@Suite struct ReaderTests {
    @Test func openAIMessagesWithWeights() throws {
        let r = try TestSupport.records(.openai, """
        {"messages":[{"role":"system","content":"S"},{"role":"user","content":"U"},{"role":"assistant","content":"A","weight":0}]}
        {"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},{"role":"assistant","content":"c"}]}
        """)
        #expect(r.count == 2)
        #expect(r[0].1 == .conversation([Turn(.system, "S"), Turn(.user, "U"), Turn(.assistant, "A", trainable: false)]))
        #expect(r[1].1 == .conversation([Turn(.user, "ab"), Turn(.assistant, "c")]))
    }

    @Test func openAIBadRecordsHaveReasons() throws {
        let r = try TestSupport.records(.openai, """
        {"messages":[{"role":"user","content":"x"}
        {"messages":[{"role":"robot","content":"x"}]}
        {"messages":[{"role":"user","content":5}]}
        [1,2]
        {"messages":[{"role":"user","content":"x","weight":2}]}
        """)
        #expect(r.map { $0.0?.reason } == [.malformedJSON, .unknownRole, .schema, .schema, .schema])
    }

    @Test func shareGPTArrayAndJSONL() throws {
        let array = """
        [
          {"id": "a", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
          {"id": "b", "system": "Be brief.", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}
        ]
        """
        let a = try TestSupport.records(.sharegpt, array)
        #expect(a.count == 2)
        #expect(a[0].1 == .conversation([Turn(.user, "Hi"), Turn(.assistant, "Hello")]))
        #expect(a[1].1 == .conversation([Turn(.system, "Be brief."), Turn(.user, "Q"), Turn(.assistant, "A")]))
        let jsonl = try TestSupport.records(.sharegpt, #"{"conversations":[{"from":"human","value":"x"},{"from":"alien","value":"y"}]}"#)
        #expect(jsonl[0].0?.reason == .unknownRole)
    }

    @Test func shareGPTArrayStreamsAcrossChunkBoundaries() throws {
        // Elements with brackets and quotes inside strings, split over many 1 MiB reads.
        var items: [String] = []
        for i in 0..<3000 {
            items.append(#"{"conversations":[{"from":"human","value":"q\#(i) [{\"}]"},{"from":"gpt","value":"\#(String(repeating: "x", count: 500))"}]}"#)
        }
        let r = try TestSupport.records(.sharegpt, "[" + items.joined(separator: ",\n") + "]")
        #expect(r.count == 3000)
        #expect(r.allSatisfy { $0.0 == nil })
        #expect(r[2999].1 == .conversation([Turn(.user, "q2999 [{\"}]"), Turn(.assistant, String(repeating: "x", count: 500))]))
    }

    @Test func alpaca() throws {
        let r = try TestSupport.records(.alpaca, """
        {"instruction":"Add","input":"2+2","output":"4"}
        {"instruction":"Greet","input":"","output":"Hi"}
        {"instruction":"Greet"}
        """)
        #expect(r[0].1 == .conversation([Turn(.user, "Add\n\n2+2"), Turn(.assistant, "4")]))
        #expect(r[1].1 == .conversation([Turn(.user, "Greet"), Turn(.assistant, "Hi")]))
        #expect(r[2].0?.reason == .schema)
    }

    @Test func dailyDialogAlternatesAndDropsTrailingUserTurn() throws {
        let r = try TestSupport.records(.dailydialog, "Hi , there . __eou__ Hello ! __eou__ Bye . __eou__\nA __eou__ B __eou__\n")
        #expect(r[0].1 == .conversation([Turn(.user, "Hi , there ."), Turn(.assistant, "Hello !")]))
        #expect(r[1].1 == .conversation([Turn(.user, "A"), Turn(.assistant, "B")]))
    }

    @Test func jsonlTextFieldAndTextFiles() throws {
        let r = try TestSupport.records(.jsonl, #"{"body":"doc one"}"# + "\n" + #"{"text":"no body"}"#, textField: "body")
        #expect(r[0].1 == .document(Array("doc one".utf8)))
        #expect(r[1].0?.reason == .schema)
        let t = try TestSupport.records(.text, "line 1\nline 2\n")
        #expect(t.count == 1)
        #expect(t[0].1 == .document(Array("line 1\nline 2\n".utf8)))
    }

    /// Records over `maxRecordBytes` come back empty with their size and offset: a line longer than the reader's
    /// 1 MiB chunks is skipped while reading (never buffered whole), a shorter one once found; text files too.
    @Test func oversizedRecordsAreSkippedWithSizeAndOffset() throws {
        let dir = try TestSupport.tempDir()
        let giant = String(repeating: "y", count: (5 << 20) / 2)
        let text = "{\"text\":\"a\"}\n" + String(repeating: "z", count: 3000) + "\r\n{\"text\":\"b\"}\n" + giant + "\n{\"text\":\"c\"}"
        let path = try TestSupport.write(text, "x.jsonl", in: dir)
        let reader = InputReader(paths: [path], format: .jsonl, maxRecordBytes: 2048)
        var got: [(line: Int, size: Int, offset: Int, bytes: String)] = []
        while let b = try reader.nextBatch() {
            got += b.records.map { ($0.line, $0.oversize, $0.byteOffset, String(decoding: b.storage[$0.range], as: UTF8.self)) }
        }
        #expect(got.map(\.line) == [1, 2, 3, 4, 5])
        #expect(got.map(\.size) == [0, 3000, 0, giant.utf8.count, 0])
        #expect(got[1].offset == 13 && got[3].offset == 13 + 3002 + 13)
        #expect(got.map(\.bytes) == ["{\"text\":\"a\"}", "", "{\"text\":\"b\"}", "", "{\"text\":\"c\"}"])
        // A text file is one record: over the limit, only its size is kept (and it is still hashed whole).
        let t = try TestSupport.write(giant, "big.txt", in: dir)
        let tr = InputReader(paths: [t], format: .text, maxRecordBytes: 2048)
        var sizes: [Int] = []
        while let b = try tr.nextBatch() { sizes += b.records.map(\.oversize); #expect(b.storage.isEmpty) }
        #expect(sizes == [giant.utf8.count])
        #expect(tr.fileHashes.first?.bytes == giant.utf8.count)
    }

    @Test func blankLinesAreNotRecordsAndLinesAreCounted() throws {
        let dir = try TestSupport.tempDir()
        let path = try TestSupport.write("{\"text\":\"a\"}\n\n   \n{\"text\":\"b\"}\r\n{\"text\":\"c\"}", "x.jsonl", in: dir)
        let reader = InputReader(paths: [path], format: .jsonl)
        var lines: [Int] = []
        while let b = try reader.nextBatch() { lines += b.records.map(\.line) }
        #expect(lines == [1, 4, 5])
        #expect(reader.blankLines == 2)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/gzip") || FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip"),
                   "needs the gzip tool to write the compressed inputs"))
    func gzipInputsIncludingConcatenatedMembers() throws {
        let dir = try TestSupport.tempDir()
        let a = try TestSupport.write(String(repeating: "{\"text\":\"alpha\"}\n", count: 5000), "a.jsonl", in: dir)
        let b = try TestSupport.write("{\"text\":\"beta\"}\n", "b.jsonl", in: dir)
        for f in [a, b] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "gzip -c '\(f)' > '\(f).gz'"]
            try p.run(); p.waitUntilExit()
        }
        let cat = Process()
        cat.executableURL = URL(fileURLWithPath: "/bin/sh")
        cat.arguments = ["-c", "cat '\(a).gz' '\(b).gz' > '\(dir.path)/both.jsonl.gz'"]
        try cat.run(); cat.waitUntilExit()
        let reader = InputReader(paths: [dir.path + "/both.jsonl.gz"], format: .jsonl)
        var n = 0
        var last: [UInt8] = []
        while let batch = try reader.nextBatch() { n += batch.records.count; last = Array(batch.storage[batch.records.last!.range]) }
        #expect(n == 5001)
        #expect(last == Array("{\"text\":\"beta\"}".utf8))
        // Truncated gzip is a clear error, not silent loss.
        let data = try Data(contentsOf: URL(fileURLWithPath: a + ".gz"))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir.path + "/cut.gz"))
        let bad = InputReader(paths: [dir.path + "/cut.gz"], format: .jsonl)
        #expect(throws: (any Error).self) { while try bad.nextBatch() != nil {} }
    }

    @Test func jsonParserStrings() {
        let (v, bad, f) = JSONParser.parse(Array(#"{"a":"\u00e9\ud83d\ude00\n\"x\"","b":[1,-2.5e3,true,null]}"#.utf8))
        #expect(f == nil)
        #expect(!bad)
        #expect(v?.member("a") == .string(Array("é😀\n\"x\"".utf8)))
        #expect(v?.member("b") == .array([.number(1), .number(-2500), .bool(true), .null]))
        let lone = JSONParser.parse(Array(#""\ud800x""#.utf8))
        #expect(lone.invalidUTF8)
        #expect(lone.value == .string([0xEF, 0xBF, 0xBD, 0x78]))
        #expect(JSONParser.parse(Array("{\"a\":1,}".utf8)).failure != nil)
        #expect(JSONParser.parse(Array(String(repeating: "[", count: 10000).utf8)).failure != nil)
        #expect(JSONParser.parse(Array("\"a\u{01}\"".utf8)).failure != nil)
    }
}
