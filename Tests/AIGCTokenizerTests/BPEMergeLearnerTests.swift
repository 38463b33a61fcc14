import AIGCCore
import AIGCTokenizer
import Foundation
import Testing

/// Hand-checked merge learning (pair counts worked out on paper in the comments).
@Suite struct BPEMergeLearnerTests {
    func counts(_ words: [(String, UInt64)]) -> PreTokenCounts {
        var c = PreTokenCounts()
        for (w, n) in words { c.add(Array(w.utf8), count: n) }
        return c
    }

    func mergeStrings(_ r: BPETrainingResult) -> [String] {
        r.merges.map { String(decoding: r.tokens[Int($0.left)], as: UTF8.self) + " " + String(decoding: r.tokens[Int($0.right)], as: UTF8.self) }
    }

    /// hug×10 pug×5 pun×12 bun×4 hugs×5.
    /// Pairs: ug 20, pu 17, un 16, hu 15, gs 5, bu 4 → "ug". Then un 16, hug 15 (h ug), pun 12 (p un),
    /// then a tie at 5 between (p, ug) and (hug, s): p has id 79 < hug's 258, so "pug" first; then "hugs", "bun".
    @Test func handCheckedExample() throws {
        let words = counts([("hug", 10), ("pug", 5), ("pun", 12), ("bun", 4), ("hugs", 5)])
        let r = try BPETrainer(vocabSize: 1000).learn(words)
        #expect(mergeStrings(r) == ["u g", "u n", "h ug", "p un", "p ug", "hug s", "b un"])
        #expect(r.tokens.count == 256 + 7)
        #expect(r.mergeSteps == 7)
        #expect(r.stepCounts == [20, 16, 15, 12, 5, 5, 4])
        #expect(r.merges[0] == BPEMerge(left: UInt32(UInt8(ascii: "u")) - 33, right: UInt32(UInt8(ascii: "g")) - 33, result: 256))

        var five = BPETrainer(vocabSize: 1000)
        five.minFrequency = 5
        #expect(mergeStrings(try five.learn(words)) == ["u g", "u n", "h ug", "p un", "p ug", "hug s"])
        // The vocabulary size counts the 256 bytes: 259 leaves room for three merges.
        #expect(mergeStrings(try BPETrainer(vocabSize: 259).learn(words)) == ["u g", "u n", "h ug"])
        #expect(try BPETrainer(vocabSize: 256).learn(words).merges.isEmpty)
    }

    /// Ties are broken by GPT-2's byte order, not byte values: space (0x20) has id 220, after every printable
    /// byte, so (a, b) beats (space, x) at equal counts although 0x20 < 0x61.
    @Test func tiesFollowGPT2ByteOrder() throws {
        #expect(TrainingByteOrder.idOfByte[0x20] == 220)
        #expect(TrainingByteOrder.idOfByte[0x21] == 0)
        #expect(TrainingByteOrder.idOfByte[0xFF] == 187)
        #expect(TrainingByteOrder.idOfByte[0xAD] == 255)
        let r = try BPETrainer(vocabSize: 300).learn(counts([(" x", 3), ("ab", 3), ("ac", 3)]))
        #expect(mergeStrings(r) == ["a b", "a c", "  x"])
    }

    /// Non-overlapping, left to right: (a, a) occurs 4 times in "aaaaa" and merging it gives [aa, aa, a], so
    /// the pairs left are (aa, aa) ×1 and (aa, a) ×1 — a tie won by (aa, a) = (256, 64) over (256, 256).
    /// That gives [aa, aaa], then (aa, aaa).
    @Test func nonOverlappingLeftToRight() throws {
        let r = try BPETrainer(vocabSize: 300).learn(counts([("aaaaa", 1)]))
        #expect(mergeStrings(r) == ["a a", "aa a", "aa aaa"])
        #expect(r.stepCounts == [4, 1, 1])
    }

    /// HF's max_token_length counts a new pair only if its tokens are together *shorter* than the limit.
    /// "abcd"×5: ab, bc, cd tie at 5 → "ab" (smallest ids). Then (ab, c) and (c, d) tie at 5 and (c, d) wins
    /// (c = 66 < ab = 256) → "cd"; merging it forms (ab, cd) of length 4, counted only if 4 < limit.
    @Test func maxTokenLengthIsStrict() throws {
        var t = BPETrainer(vocabSize: 300)
        t.maxTokenLength = 4
        #expect(mergeStrings(try t.learn(counts([("abcd", 5)]))) == ["a b", "c d"])
        t.maxTokenLength = 5
        #expect(mergeStrings(try t.learn(counts([("abcd", 5)]))) == ["a b", "c d", "ab cd"])
        t.maxTokenLength = nil
        #expect(mergeStrings(try t.learn(counts([("abcd", 5)]))) == ["a b", "c d", "ab cd"])
        // The initial byte pairs are counted whatever the limit (HF counts them before any length check).
        t.maxTokenLength = 1
        #expect(mergeStrings(try t.learn(counts([("abcd", 5)]))) == ["a b", "c d"])
    }

    @Test func invalidOptionsAreUsageErrors() {
        #expect(throws: AIGCError.self) { try BPETrainer(vocabSize: 255).learn(PreTokenCounts()) }
        var t = BPETrainer(vocabSize: 300)
        t.specialTokens = ["<s>", "<s>"]
        #expect(throws: AIGCError.self) { try t.validate() }
        t.specialTokens = [""]
        #expect(throws: AIGCError.self) { try t.validate() }
        t.specialTokens = []
        t.maxTokenLength = 0
        #expect(throws: AIGCError.self) { try t.validate() }
    }

    @Test func emptyInputLearnsNothing() throws {
        let r = try BPETrainer(vocabSize: 1000).learn(counts([("x", 100)]))
        #expect(r.merges.isEmpty && r.tokens.count == 256)
    }

    @Test func preTokenCountsSumDuplicatesAndMerge() {
        var a = PreTokenCounts()
        for i in 0..<5000 { a.add(Array("w\(i % 1700)".utf8)) }
        #expect(a.distinctCount == 1700)
        #expect(a.totalCount == 5000)
        var b = PreTokenCounts()
        b.add(Array("w3".utf8), count: 7)
        b.add(Array("new".utf8), count: 2)
        a.add(contentsOf: b)
        #expect(a.distinctCount == 1701)
        #expect(a.totalCount == 5009)
        let i = (0..<a.distinctCount).first { Array(a.entry($0).bytes) == Array("w3".utf8) }!
        #expect(a.entry(i).count == 3 + 7)
    }
}
