import AIGCTokenizer
import Foundation
import Testing

/// Golden files written by the real tiktoken and HF tokenizers (Scripts/make-tokenizer-golden.py).
@Suite struct GoldenTests {
    @Test(arguments: ["cl100k_base", "o200k_base"])
    func tiktokenLines(encoding: String) throws {
        let tok = TF.named(encoding)
        let text = TF.lines(TF.text("golden.txt"))
        let want = TF.lines(TF.text("\(encoding).lines.txt"))
        #expect(text.count == want.count && text.count > 100)
        var diffs = 0
        for (t, w) in zip(text, want) where tok.encodeOrdinary(t) != TF.ids(w) {
            diffs += 1
            if diffs < 4 { Issue.record("\(encoding) differs on \(t.debugDescription)") }
        }
        #expect(diffs == 0)
    }

    /// The reusing-buffer path gives the golden ids line by line, whatever the buffer held before.
    @Test func encodeIntoReusedBuffer() throws {
        let tok = TF.named("cl100k_base")
        let text = TF.lines(TF.text("golden.txt"))
        let want = TF.lines(TF.text("cl100k_base.lines.txt"))
        var ids: [UInt32] = [1, 2, 3]
        var diffs = 0
        for (t, w) in zip(text, want) {
            Array(t.utf8).withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0, into: &ids) }
            if ids != TF.ids(w) { diffs += 1 }
        }
        #expect(diffs == 0 && text.count > 100)
    }

    @Test(arguments: ["cl100k_base", "o200k_base"])
    func tiktokenWhole(encoding: String) throws {
        let tok = TF.named(encoding)
        let want = TF.ids(TF.text("\(encoding).whole.txt"))
        #expect(tok.encodeOrdinary(TF.text("golden.txt")) == want)
        // The chunked parallel path with tiny chunks cuts at many places and must give the same ids.
        let (ids, chunks) = tok.encodeChunkedForTesting(TF.text("golden.txt"), target: 512)
        #expect(chunks > 20)
        #expect(ids == want)
        #expect(tok.count(TF.text("golden.txt")) == want.count)
        // The streaming path emits the chunks in order on two threads: the concatenation is the same ids.
        var two = tok
        two.threads = 2
        let (streamed, emitted) = try two.encodeStreamingForTesting(TF.text("golden.txt"), target: 512)
        #expect(emitted > 20)
        #expect(streamed == want)
        // An error thrown by the consumer stops the run: the chunks before it were emitted in order, none after.
        do {
            _ = try two.encodeStreamingForTesting(TF.text("golden.txt"), target: 512, failAt: 5)
            Issue.record("the consumer's error was not rethrown")
        } catch let stop as Tokenizer.StreamingTestStop {
            #expect(stop.chunks == 5)
            #expect(stop.ids == Array(want.prefix(stop.ids.count)) && !stop.ids.isEmpty)
        }
    }

    /// Chunk cuts never change the pieces: random text dense in newlines, slashes, symbols and letter-space-letter
    /// (o200k's symbol branch runs on through `\n/`, so no cut may fall before a `/`), encoded with tiny chunks.
    @Test(arguments: ["cl100k_base", "o200k_base"])
    func chunkCutsKeepPieces(encoding: String) throws {
        let tok = TF.named(encoding)
        var rng = TF.RNG(s: 29)
        let glue = ["\n", "\n/", "\n//x", "«\n/", "=\n/a", " ", "a b", "\r\n", "\n\n", "x\n-", "'s\n",
                    // Cuts before non-ASCII line starts and around spaces between letters of any script, and the
                    // look-alikes that must not be cut: whitespace (U+3000, U+00A0, U+2028), marks, digits.
                    "字\n漢字", "。\n日本", "\n\u{3000}字", "\n\u{00A0}x", "\n\u{2028}a", "é\n\u{0301}a",
                    "мир мир", "а\u{0301} б", "ب ب", "क ख", "ा क", "à 1", " \n字", "字\n\n字", "ß\n's"]
        var text = "«««\n//ﬁ a b\n/"
        while text.utf8.count < 40_000 { text += TF.randomText(&rng, maxLen: 12) + glue[rng.int(glue.count)] }
        let want = tok.encodeOrdinary(text)
        for target in [7, 64, 1000] {
            let (ids, chunks) = tok.encodeChunkedForTesting(text, target: target)
            #expect(chunks > 20)
            #expect(ids == want, "target \(target)")
        }
    }

    @Test(arguments: ["hf-bytelevel", "hf-split"])
    func huggingFaceLines(name: String) throws {
        let tok = try Tokenizer(contentsOf: TF.url("\(name).json"))
        #expect(tok.model.rule == .merges)
        let text = TF.lines(TF.text("golden.txt"))
        let want = TF.lines(TF.text("\(name).lines.txt"))
        #expect(text.count == want.count)
        var diffs = 0
        for (t, w) in zip(text, want) where try tok.encode(t, allowedSpecial: .all) != TF.ids(w) {
            diffs += 1
            if diffs < 4 { Issue.record("\(name) differs on \(t.debugDescription)") }
        }
        #expect(diffs == 0)
    }

    @Test func knownIds() throws {
        #expect(TF.cl100k.encodeOrdinary("hello world") == [15339, 1917])
        #expect(TF.o200k.encodeOrdinary("hello world") == [24912, 2375])
        #expect(TF.cl100k.vocabularySize == 100277)
        #expect(TF.o200k.vocabularySize == 200019)
        #expect(TF.cl100k.sha256 == "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7")
        #expect(TF.cl100k.specialTokens["<|endoftext|>"] == 100257)
        #expect(TF.o200k.specialTokens["<|endofprompt|>"] == 200018)
    }
}
