import AIGCTokenizer
import Foundation
import Testing

@Suite struct PreTokenizerTests {
    static let patterns: [PreTokenizerPattern] = [.gpt2, .cl100k, .o200k]

    /// Each hand-written scanner equals ICU's regex engine running the same pattern (matches only, tiktoken's
    /// semantics) on real text and on random strings over every character class.
    @Test(arguments: patterns)
    func scannerEqualsICU(pattern: PreTokenizerPattern) throws {
        let scanner = try makePreTokenizer(pattern)
        let icu = try RegexPreTokenizer(pattern: pattern.regex, behavior: .matchesOnly)
        // Lines of the golden text without code points newer than ICU's Unicode (there the scanners follow tiktoken).
        var texts = TF.lines(TF.text("golden.txt")).filter { s in !s.unicodeScalars.contains { preTokenizerClassOverridden($0.value) } }
        #expect(texts.count > 250)
        texts.append(texts.joined(separator: "\n"))
        var rng = TF.RNG(s: 42)
        for _ in 0..<1500 { texts.append(TF.randomText(&rng)) }
        var diffs = 0
        for t in texts where scanner.ranges(t) != icu.ranges(t) {
            diffs += 1
            if diffs < 4 { Issue.record("\(pattern) scanner ≠ ICU on \(t.debugDescription): \(scanner.pieces(t)) vs \(icu.pieces(t))") }
        }
        #expect(diffs == 0)
    }

    @Test func examples() throws {
        let cl = try makePreTokenizer(.cl100k), o = try makePreTokenizer(.o200k), g = try makePreTokenizer(.gpt2)
        #expect(cl.pieces("I'M don'T 'Ll x'ſ") == ["I", "'M", " don", "'T", " '", "Ll", " x", "'ſ"])
        #expect(cl.pieces("12345 a  b\n\n c  ") == ["123", "45", " a", " ", " b", "\n\n", " c", "  "])
        #expect(g.pieces("I'M don't 12345  x") == ["I", "'", "M", " don", "'t", " 12345", " ", " x"])
        #expect(o.pieces("HelloWorld it's ABCdef's") == ["Hello", "World", " it's", " ABCdef's"])
        #expect(o.pieces("x.//\n\ny") == ["x", ".//\n\n", "y"])
        // \s+(?!\S) leaves the last space to the next word; at the end it takes all.
        #expect(g.pieces("a   b   ") == ["a", "  ", " b", "   "])
    }

    @Test func customRegexAndBehaviors() throws {
        let digits = try RegexPreTokenizer(pattern: #"\d+"#)
        #expect(digits.pieces("ab12cd345") == ["ab", "12", "cd", "345"])
        let only = try RegexPreTokenizer(pattern: #"\d+"#, behavior: .matchesOnly)
        #expect(only.pieces("ab12cd345") == ["12", "345"])
        let removed = try RegexPreTokenizer(pattern: " ", behavior: .removed)
        #expect(removed.pieces("a b  c") == ["a", "b", "c"])
        // \s means Unicode White_Space (U+0085 and U+000B included), as in Rust regex and Oniguruma.
        let ws = try RegexPreTokenizer(pattern: #"\s+"#, behavior: .matchesOnly)
        #expect(ws.pieces("a\u{85}\u{0B}b") == ["\u{85}\u{0B}"])
        #expect(throws: (any Error).self) { try RegexPreTokenizer(pattern: "(unclosed") }
        #expect(RegexPreTokenizer.onigRepeat(#"\p{N}{1,3}+|x"#) == #"(?:\p{N}{1,3})+|x"#)
    }

    @Test func invalidUTF8NeverCrashes() throws {
        var rng = TF.RNG(s: 7)
        for p in PreTokenizerTests.patterns {
            let s = try makePreTokenizer(p)
            for _ in 0..<300 {
                let bytes = (0..<(1 + rng.int(64))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                var covered = 0
                bytes.withUnsafeBufferPointer { b in s.split(b) { r in #expect(r.lowerBound == covered && !r.isEmpty); covered = r.upperBound } }
                #expect(covered == bytes.count)
            }
        }
    }
}
