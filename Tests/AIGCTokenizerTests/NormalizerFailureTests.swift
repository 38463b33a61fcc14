import AIGCTokenizer
import Foundation
import Testing

/// A tokenizer whose normalizer fails on a text (here a `tokenizer.json` Replace regex over ICU's time/stack
/// limits) never encodes the raw text in its place: the non-throwing encoders give no ids and
/// `checkPreTokenizer()` throws the failure, naming the pattern.
@Suite struct NormalizerFailureTests {
    @Test func failedNormalizationIsThrownNotReplacedByTheRawText() throws {
        var hf = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: TF.url("hf-split.json"))) as? [String: Any])
        hf["normalizer"] = ["type": "Replace", "pattern": ["Regex": "(a*)*b"], "content": "x"] as [String: Any]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-normfail-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: hf).write(to: file)
        let tok = try Tokenizer(contentsOf: file)
        #expect(tok.encodeOrdinary("hello") != [], "a text the normalizer handles encodes")
        try tok.checkPreTokenizer()
        let evil = String(repeating: "a", count: 40) + "c"
        #expect(tok.encodeOrdinary(evil) == [])
        #expect(tok.encodeWithOffsets(evil).ids == [])
        #expect {
            try tok.checkPreTokenizer()
        } throws: { e in
            "\(e)".contains("(a*)*b")
        }
    }
}
