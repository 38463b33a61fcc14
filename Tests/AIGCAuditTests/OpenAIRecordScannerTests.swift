import AIGCAudit
import AIGCCorpus
import Testing

/// The audit's byte-level OpenAI record reader must give the full parser's record whenever it answers, and leave
/// everything unusual (errors included) to the full parser.
@Suite struct OpenAIRecordScannerTests {
    static func fast(_ line: [UInt8]) -> Record? { line.withUnsafeBufferPointer { OpenAIRecordScanner.parse($0) } }

    @Test func agreesWithTheFullParser() {
        let accepted = [
            #"{"messages": [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello!"}]}"#,
            #"  {"messages":[{"content":"x","role":"system"},{"role":"developer","content":""}]}  "#,
            "{\"messages\":\t[\r\n{ \"role\" : \"user\" , \"content\" : \"caf\u{E9} \u{4E2D}\u{6587} \u{1F600}\" } ]\n}",
            #"{"messages": [{"role": "user", "content": "say \"hi\" \\ a/b \/ \b\f\n\r\t end"}]}"#,
            #"{"messages": []}"#,
        ]
        let parser = RecordParser(format: .openai)
        for line in accepted {
            let bytes = Array(line.utf8)
            let full = parser.parse(bytes)
            #expect(full.failure == nil && !full.invalidUTF8)
            let mine = Self.fast(bytes)
            #expect(mine != nil, "fast path should take: \(line)")
            #expect(mine == full.record, "differs on: \(line)")
        }
        if case .conversation(let t)? = Self.fast(Array(accepted[3].utf8)) {
            #expect(t[0].content == Array("say \"hi\" \\ a/b / \u{8}\u{C}\n\r\t end".utf8))
        } else {
            Issue.record("no conversation")
        }
    }

    @Test func leavesUnusualRecordsToTheFullParser() {
        var declined: [[UInt8]] = [
            #"{"messages": [{"role": "user", "content": "\u00e9"}]}"#,
            #"{"messages": [{"role": "user", "content": "x", "weight": 0}]}"#,
            #"{"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}"#,
            #"{"messages": [{"role": "robot", "content": "x"}]}"#,
            #"{"messages": [{"role": "user", "role": "user", "content": "x"}]}"#,
            #"{"messages": [{"role": "user"}]}"#,
            #"{"messages": [{"role": "user", "content": "x"}], "id": 3}"#,
            #"{"messages": [{"role": "user", "content": "x"},]}"#,
            #"{"messages": [{"role": "user", "content": "x"}]} x"#,
            #"{"messages": [{"role": "user", "content": "x\q"}]}"#,
            #"{"messages": [{"role": "user", "content": "unterminated}]}"#,
            #"["messages"]"#,
            "{\"messages\": [{\"role\": \"user\", \"content\": \"tab\there\"}]}",
        ].map { Array($0.utf8) }
        declined.append(Array(#"{"messages": [{"role": "user", "content": "bad "#.utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8))
        for line in declined {
            #expect(Self.fast(line) == nil, "should decline: \(String(decoding: line, as: UTF8.self))")
        }
    }
}
