import Foundation
import Testing
import AIGCText

@Suite struct NormalizationStepTests {
    func run(_ steps: [NormalizationStep], _ s: String) throws -> String { try TextNormalizer(steps: steps).normalize(s) }

    /// Non-ASCII segments run on across ASCII gaps shorter than `asciiGapInSegment` bytes and are cut at longer
    /// ones: either way the result equals ICU on the whole string, around the gap's limit, with marks after the gap,
    /// uppercase ASCII (which NFKC_Casefold lowercases) and compatibility characters on both sides.
    @Test func segmentsAcrossASCIIGapsEqualWholeStringICU() throws {
        for gap in [0, 1, 30, 31, 32, 33, 64] {
            let filler = String(String("Ab. ".cycled(gap)))
            for tail in ["e\u{301}ﬁ", "\u{301}Ж", "A\u{30A}", "ｶﾞ"] {
                let s = "Ǆé" + filler + tail + "ж" + filler + "\u{327}"
                for form in [NormalizationForm.nfc, .nfd, .nfkc, .nfkd, .nfkcCasefold] {
                    #expect(try run([.form(form)], s) == form.normalize(s), "gap \(gap), \(form)")
                }
            }
        }
    }

    @Test func lowercaseRootAndTurkish() throws {
        #expect(try run([.lowercase(locale: nil)], "HELLO İSTANBUL ΟΔΟΣ") == "hello i̇stanbul οδος")
        #expect(try run([.lowercase(locale: "tr")], "ISPARTA İZMİR") == "ısparta izmir")
    }

    @Test func caseFold() throws {
        #expect(try run([.caseFold(turkic: false)], "Straße MASSE") == "strasse masse")
        #expect(try run([.caseFold(turkic: true)], "I") == "ı")
    }

    @Test func stripAccentsDecomposesAndRecomposes() throws {
        #expect(try run([.stripAccents], "Crème Brûlée, naïve, Ångström, e\u{301}") == "Creme Brulee, naive, Angstrom, e")
        // Korean is not decomposed into jamo and left that way: recomposition restores the syllables.
        #expect(try run([.stripAccents], "한국어") == "한국어")
        // HF StripAccents only drops Mn (so it follows NFD).
        #expect(try run([.form(.nfd), .removeNonspacingMarks], "café") == "cafe")
        #expect(try run([.removeNonspacingMarks], "café") == "café")
    }

    @Test func removeControlKeepsTabAndNewline() throws {
        var stats = NormalizationStats()
        let out = try TextNormalizer(steps: [.removeControl]).normalize(bytes: Array("a\u{0}b\tc\nd\u{7F}e\u{85}f\u{9F}g\r".utf8), stats: &stats)
        #expect(out.string == "ab\tc\ndefg")
        #expect(stats.controlRemoved == 5)
    }

    @Test func formatCharactersRemovedOrReported() throws {
        let text = "a\u{200B}b\u{202E}c\u{2066}d\u{FEFF}e\u{AD}f 👩\u{200D}💻 x\u{200D}y"
        var stats = NormalizationStats()
        let removed = try TextNormalizer(steps: [.formatCharacters(.remove)]).normalize(bytes: Array(text.utf8), stats: &stats)
        #expect(removed.string == "abcdef 👩\u{200D}💻 xy")
        #expect(stats.bidiFound == 2 && stats.zeroWidthFound == 3 && stats.bomFound == 1 && stats.otherFormatFound == 1)
        #expect(stats.formatRemoved == 6)
        var s2 = NormalizationStats()
        let reported = try TextNormalizer(steps: [.formatCharacters(.report)]).normalize(bytes: Array(text.utf8), stats: &s2)
        #expect(reported.string == text)
        #expect(s2.bidiFound == 2 && s2.formatRemoved == 0)
    }

    @Test func whitespaceRules() throws {
        #expect(try run([.whitespace(mapSpaces: true, collapse: true, trimLines: false)], "a \u{3000}\u{A0}\tb  c") == "a b c")
        #expect(try run([.whitespace(mapSpaces: true, collapse: false, trimLines: false)], "a\u{3000}b\u{2009}c") == "a b c")
        #expect(try run([.whitespace(mapSpaces: true, collapse: true, trimLines: true)], "  a  b \n\t c \n") == "a b\nc\n")
    }

    @Test func newlineRules() throws {
        #expect(try run([.newlines], "a\r\nb\rc\u{85}d\u{2028}e\u{2029}f\n") == "a\nb\nc\nd\ne\nf\n")
    }

    @Test func transliteration() throws {
        #expect(try run([.transliterate(id: "Traditional-Simplified")], "漢語 體育") == "汉语 体育")
        #expect(try run([.transliterate(id: "Any-Latin; Latin-ASCII")], "Привет\nΑθήνα") == "Privet\nAthena")
        #expect(throws: NormalizationError.self) { try run([.transliterate(id: "No-Such-Transform")], "x") }
    }

    @Test func replaceLiteralAndRegex() throws {
        #expect(try run([.replace(pattern: .literal("  "), content: " ")], "a    b") == "a  b")
        #expect(try run([.replace(pattern: .regex("\\s+"), content: "_")], "a  b\t\nc") == "a_b_c")
        #expect(try run([.replace(pattern: .regex("[0-9]+"), content: "#")], "x12 y3 日本9") == "x# y# 日本#")
        #expect(throws: NormalizationError.self) { try run([.replace(pattern: .regex("(unclosed"), content: "")], "x") }
    }

    @Test func stripAndPrepend() throws {
        #expect(try run([.strip(left: true, right: true)], " \u{3000}\n hi \n\u{A0}") == "hi")
        #expect(try run([.strip(left: false, right: true)], "  hi  ") == "  hi")
        #expect(try run([.prepend("▁")], "hi") == "▁hi")
        #expect(try run([.prepend("▁")], "") == "")
    }

    @Test func pipelineComposesInOrder() throws {
        let n = TextNormalizer(steps: [.newlines, .removeControl, .formatCharacters(.remove), .form(.nfkc),
                                       .lowercase(locale: nil), .stripAccents,
                                       .whitespace(mapSpaces: true, collapse: true, trimLines: true)])
        #expect(try n.normalize("  Ｃａｆé\u{200B}  ＭＥＮＵ\r\n\u{0}ﬁne  ") == "cafe menu\nfine")
    }
}

private extension String {
    /// The first `n` characters of this string repeated without end.
    func cycled(_ n: Int) -> Substring { Substring(String(repeating: self, count: n / count + 1).prefix(n)) }
}
