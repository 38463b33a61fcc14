import AIGCCore
import AIGCTokenizer
import Foundation
import Testing

@Suite struct SpecialAndDecodeTests {
    @Test func specialTokenPolicies() throws {
        let t = TF.cl100k
        let text = "a<|endoftext|>b<|fim_prefix|>"
        #expect(try t.encode(text, allowedSpecial: .all) == [64, 100257, 65, 100258])
        #expect(try t.encode(text, allowedSpecial: .some(["<|endoftext|>"]), disallowedSpecial: .encodeAsText)
                == [64, 100257] + t.encodeOrdinary("b<|fim_prefix|>"))
        #expect(try t.encode(text, allowedSpecial: .none, disallowedSpecial: .encodeAsText) == t.encodeOrdinary(text))
        // tiktoken's rule: a disallowed special in the text is an error naming it and its byte offset.
        do {
            _ = try t.encode(text, allowedSpecial: .some(["<|endoftext|>"]))
            Issue.record("expected an error")
        } catch let e as AIGCError {
            #expect(e.description.contains("<|fim_prefix|>") && e.description.contains("byte 15"))
        }
        #expect(t.encodeOrdinary("<|endoftext|>").count > 1)
        let added = try t.withSpecialTokens(["<|im_start|>", "<|endoftext|>"])
        #expect(added.specialTokens["<|im_start|>"] == 100277)
        #expect(added.specialTokens["<|endoftext|>"] == 100257)
        #expect(added.vocabularySize == 100278)
        #expect(try added.encode("<|im_start|>x", allowedSpecial: .all) == [100277, 87])
        #expect(try added.decodeString([100277, 87]) == "<|im_start|>x")
    }

    @Test func decodeLossyStrictAndUnknown() throws {
        let t = TF.cl100k
        let ids = t.encodeOrdinary("🎉")
        #expect(ids.count > 1)
        let partial = Array(ids.dropLast())
        #expect(try t.decodeString(partial).contains("\u{FFFD}"))
        #expect(throws: AIGCError.self) { try t.decodeString(partial, strict: true) }
        #expect(throws: AIGCError.self) { try t.decodeBytes([15339, 999_999]) }
        #expect(t.decode([15339, 999_999]) == Array("hello".utf8))
    }

    @Test func streamingDecoderNeverSplitsCharacters() throws {
        var rng = TF.RNG(s: 9)
        for tok in [TF.cl100k, TF.o200k] {
            for _ in 0..<200 {
                let s = TF.randomText(&rng, maxLen: 30)
                var d = StreamingDecoder(tok)
                var out = ""
                for id in tok.encodeOrdinary(s) {
                    let piece = d.add(id)
                    #expect(!piece.contains("\u{FFFD}"))
                    out += piece
                }
                out += d.finish()
                #expect(out == s)
            }
        }
        // An invalid sequence is emitted as U+FFFD at once, not held forever.
        var d = StreamingDecoder(TF.cl100k)
        let bad = TF.cl100k.encodeOrdinary("é")  // one token for the two bytes
        #expect(d.add(bad) == "é")
        #expect(d.finish() == "")
    }

    @Test func offsetsPointIntoTheText() throws {
        var rng = TF.RNG(s: 13)
        for tok in [TF.cl100k, TF.o200k] {
            for _ in 0..<200 {
                let s = TF.randomText(&rng)
                let (ids, offs) = tok.encodeWithOffsets(s)
                let b = Array(s.utf8)
                var pos = 0
                for (id, r) in zip(ids, offs) {
                    #expect(r.lowerBound == pos)
                    #expect(Array(b[r]) == tok.tokenBytes(id))
                    pos = r.upperBound
                }
                #expect(pos == b.count)
            }
        }
        // Through an HF normalizer (NFC), offsets point into the original text.
        let hf = try Tokenizer(contentsOf: TF.url("hf-split.json"))
        let s = "Cafe\u{301} ok"
        let offs = hf.offsets(s)
        #expect(offs.last?.upperBound == s.utf8.count)
    }
}
