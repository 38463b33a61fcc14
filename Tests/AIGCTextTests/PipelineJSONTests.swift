import Foundation
import Testing
import AIGCText

@Suite struct PipelineJSONTests {
    func load(_ json: String) throws -> TextNormalizer { try TextNormalizer(jsonData: Data(json.utf8), source: "test.json") }

    @Test func ownFormatRoundTrips() throws {
        let n = try load("""
        {"steps": [{"type": "newlines"}, {"type": "form", "form": "nfkc"}, {"type": "lowercase", "locale": "tr"},
                   {"type": "format_characters", "mode": "report"}, {"type": "whitespace", "trim": true},
                   {"type": "transliterate", "id": "Traditional-Simplified"},
                   {"type": "replace", "pattern": "\\\\d+", "regex": true, "content": "0"}],
         "invalid_utf8": "fail"}
        """)
        #expect(n.steps == [.newlines, .form(.nfkc), .lowercase(locale: "tr"), .formatCharacters(.report),
                            .whitespace(mapSpaces: true, collapse: true, trimLines: true),
                            .transliterate(id: "Traditional-Simplified"), .replace(pattern: .regex("\\d+"), content: "0")])
        #expect(n.invalidUTF8 == .fail)
        let again = try TextNormalizer(jsonData: JSONSerialization.data(withJSONObject: n.jsonObject()))
        #expect(again == n)
    }

    @Test func hfNormalizerSection() throws {
        let n = try load("""
        {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
          {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}, {"type": "Prepend", "prepend": "▁"},
          {"type": "Strip", "strip_left": true, "strip_right": false}, {"type": "NFKC"}]}
        """)
        #expect(n.steps == [.form(.nfd), .removeNonspacingMarks, .lowercase(locale: nil),
                            .replace(pattern: .literal(" "), content: "▁"), .prepend("▁"), .strip(left: true, right: false), .form(.nfkc)])
        #expect(try n.normalize("Héllo Wörld") == "▁hello▁world")
    }

    @Test func wholeTokenizerJSON() throws {
        let n = try load("""
        {"version": "1.0", "added_tokens": [], "normalizer": {"type": "NFC"}, "pre_tokenizer": null,
         "model": {"type": "BPE", "vocab": {}, "merges": []}}
        """)
        #expect(n.steps == [.form(.nfc)])
        let none = try load(#"{"version": "1.0", "normalizer": null, "model": {}}"#)
        #expect(none.steps.isEmpty)
    }

    @Test func unknownTypesAndBadJSONAreClearErrors() throws {
        do {
            _ = try load(#"{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "BertNormalizer"}]}"#)
            Issue.record("expected an error")
        } catch let e as NormalizationError {
            #expect(e.description.contains("BertNormalizer"))
            #expect(e.description.contains("normalizers[1]"))
            #expect(e.description.contains("test.json"))
        }
        #expect(throws: NormalizationError.self) { try load(#"{"steps": [{"type": "form", "form": "nfx"}]}"#) }
        #expect(throws: NormalizationError.self) { try load(#"{"steps": [{"type": "form""#) }
        #expect(throws: NormalizationError.self) { try load(#"[1, 2]"#) }
        #expect(throws: NormalizationError.self) { try load(#"{"type": "Replace", "content": "x"}"#) }
    }
}
