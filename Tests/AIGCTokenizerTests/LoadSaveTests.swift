import AIGCCore
import AIGCTokenizer
import Foundation
import Testing

@Suite struct LoadSaveTests {
    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aigc-tok-\(UUID().uuidString)-\(name)")
    }

    func write(_ s: String, _ name: String) throws -> URL {
        let u = temp(name)
        try Data(s.utf8).write(to: u)
        return u
    }

    @Test func tiktokenAndJSONRoundTrip() throws {
        let hf = try Tokenizer(contentsOf: TF.url("hf-bytelevel.json"))
        let golden = TF.lines(TF.text("golden.txt"))
        // HF → tokenizer.json → HF: same ids.
        let j = temp("tokenizer.json")
        try hf.save(tokenizerJSON: j)
        let back = try Tokenizer(contentsOf: j)
        for t in golden.prefix(300) { #expect(try back.encode(t, allowedSpecial: .all) == hf.encode(t, allowedSpecial: .all)) }
        // tiktoken-style: save a .tiktoken and load it again.
        let small = try Tokenizer(contentsOf: TF.url("hf-split.json"))
        let tk = temp("x.tiktoken")
        try small.save(tiktoken: tk)
        let t2 = try Tokenizer(contentsOf: tk, pattern: .cl100k, specialTokens: [:])
        #expect(t2.model.idCount == small.model.idCount)
        for id in 0..<UInt32(small.model.idCount) { #expect(t2.tokenBytes(id) == small.tokenBytes(id)) }
        // The ranks-rule merges derived for tokenizer.json reproduce every token.
        #expect(small.merges().count == small.model.mergeList.count)
    }

    /// GPT-2's encoder.json + vocab.bpe layout, written from an HF fixture, encodes like the HF file.
    @Test func gpt2EncoderAndVocabBPE() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TF.url("hf-split.json"))) as! [String: Any]
        let model = json["model"] as! [String: Any]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-gpt2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: model["vocab"]!).write(to: dir.appendingPathComponent("encoder.json"))
        let merges = (model["merges"] as! [Any]).map { m in (m as? String) ?? (m as! [String]).joined(separator: " ") }
        try ("#version: 0.2\n" + merges.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("vocab.bpe"), atomically: true, encoding: .utf8)
        let gpt2 = try Tokenizer(contentsOf: dir.appendingPathComponent("encoder.json"), pattern: .cl100k, specialTokens: [:])
        let hf = try Tokenizer(contentsOf: TF.url("hf-split.json"))
        let nz = try #require(hf.normalizer)
        for line in TF.lines(TF.text("golden.txt")).prefix(200) {
            #expect(gpt2.encodeOrdinary(try nz.normalize(line)) == hf.encodeOrdinary(line))
        }
        // A merge naming an unknown token is an error with the vocab.bpe line.
        try "#version: 0.2\nzzzq qqqz\n".write(to: dir.appendingPathComponent("vocab.bpe"), atomically: true, encoding: .utf8)
        #expect(throws: AIGCError.self) { try Tokenizer(contentsOf: dir.appendingPathComponent("encoder.json")) }
    }

    /// The trainer's path: a model built in code, wrapped in a Tokenizer, saved as tokenizer.json, loaded back.
    @Test func tokenizerFromModelInCode() throws {
        let hf = try Tokenizer(contentsOf: TF.url("hf-split.json"))
        let m = hf.model
        let vocab: [ArraySlice<UInt8>?] = (0..<UInt32(m.idCount)).map { m.bytes(of: $0).map { $0[...] } }
        let model = try BPEModel(vocabulary: vocab, merges: m.mergeList, ignoreMerges: false)
        let t = try Tokenizer(model: model, pattern: .cl100k, specialTokens: ["<|endoftext|>": UInt32(m.idCount)])
        #expect(t.sha256.count == 64)
        let u = temp("trained.json")
        try t.save(tokenizerJSON: u)
        let back = try Tokenizer(contentsOf: u)
        #expect(back.specialTokens == ["<|endoftext|>": UInt32(m.idCount)])
        for line in TF.lines(TF.text("golden.txt")).prefix(150) {
            let direct = t.encodeOrdinary(line)
            #expect(back.encodeOrdinary(line) == direct)
            #expect(t.decode(direct) == Array(line.utf8))
        }
    }

    @Test func malformedFilesAreClearErrors() throws {
        let cases: [(String, String, String)] = [
            ("IQ== 0\n!!!! 1\n", "bad.tiktoken", "invalid base64"),
            ("IQ== 0\nIg== 0\n", "dup.tiktoken", "duplicate rank"),
            ("IQ== 0\nIg== 99999999999\n", "huge.tiktoken", "rank"),
            ("IQ== 0\nIQ== 1\n", "duptok.tiktoken", "duplicate token"),
            ("IQ==\n", "norank.tiktoken", "expected"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0", "trunc.json", "JSON"),
            ("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "wp.json", "WordPiece"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 1e300}}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "big.json", "id must be"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "m.json", "not in the vocabulary"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"decoder\": {\"type\": \"ByteLevel\"}}", "ws.json", "Whitespace"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": null, \"decoder\": null}", "nobl.json", "byte-level"),
        ]
        for (content, name, needle) in cases {
            let u = try write(content, name)
            do {
                _ = try Tokenizer(contentsOf: u)
                Issue.record("\(name): expected an error")
            } catch let e as AIGCError {
                #expect(e.description.contains(needle), "\(name): \(e.description)")
            }
        }
        #expect(throws: AIGCError.self) { try Tokenizer.named("nope_base") }
    }

    @Test func patternsAndNames() throws {
        #expect(PreTokenizerPattern(name: "cl100k") == .cl100k)
        #expect(PreTokenizerPattern(name: "r50k_base") == .gpt2)
        #expect(PreTokenizerPattern.recognizing(PreTokenizerPattern.hfByteLevelRegex) == .gpt2)
        #expect(PreTokenizerPattern(name: #"\w+"#) == .custom(#"\w+"#))
        #expect(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(Array(0...255))) == Array(0...255))
        #expect(ByteLevelAlphabet.encode([32, 10]) == "ĠĊ")
    }
}
