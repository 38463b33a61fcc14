import Foundation
import Testing
@testable import AIGCText

/// The normalization forms' UTF-8 fast path (`NormalizationStep+Form.swift`: clean pieces copied, dirty pieces
/// through ICU) against ICU normalizing the whole string, in all five forms, with and without offset tracking.
@Suite struct FormFastPathTests {
    static let forms: [NormalizationForm] = [.nfc, .nfd, .nfkc, .nfkd, .nfkcCasefold]

    func check(_ s: String, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        for form in Self.forms {
            let expected = try form.normalize(s)
            let got = try TextNormalizer(steps: [.form(form)]).normalize(s)
            #expect(got == expected, "\(form) \(label): \(s.unicodeScalars.map { String($0.value, radix: 16) })",
                    sourceLocation: sourceLocation)
            let tracked = try TextNormalizer(steps: [.form(form)]).normalizeWithOffsets(s)
            #expect(tracked.string == expected, "\(form) offsets \(label)", sourceLocation: sourceLocation)
            if let origin = tracked.origin {
                #expect(origin.count == tracked.bytes.count)
                #expect(zip(origin, origin.dropFirst()).allSatisfy { $0 <= $1 }, "offsets not monotonic, \(form)")
            }
        }
    }

    /// One line of each script the benchmark categories hold (docs/speed-by-category.md).
    static let scripts = [
        "The quick brown fox — “quoted”, naïve café, résumé; 3½ × 2 = 7",
        "Zażółć gęślą jaźń. Příliš žluťoučký kůň. Tiếng Việt có dấu: Nguyễn Thị Bảo Ngọc",
        "Съешь же ещё этих мягких французских булок, да выпей чаю. Ελληνικά: Άλφα, ΐ, ώ. Їжак і йод",
        "中文繁體與简体，日本語のテキスト：ガギグゲゴ、ﾊﾟﾋﾟﾌﾟ。한국어 텍스트입니다 각간갇",
        "العربية: مَرْحَبًا بِكُمْ، עִבְרִית: שָׁלוֹם, فارسی: سلام دنیا ۱۲۳",
        "हिन्दी: क़लम, ज़रा, ऩ ऱ ऴ; বাংলা: কো কৌ; தமிழ்: கொ கோ கௌ; ไทย: กุ้ง ปลาน้ำ ฯลฯ; नेपाली",
        "def f(x: int) -> str:\n    return f\"{x!r:>10}\"  # comment ①②③ ™ ℌ",
        "| 1,234.56 € | 2024-01-31 | +49 30 123456 | DE89 3704 0044 0532 0130 00 | ½ ¼ ¾ ㎞ ㍱ |",
        "👩🏽‍💻 👨‍👩‍👧‍👦 🇩🇪🇯🇵 🏳️‍🌈 Z̴̧̛̗̈́a̷̡͎͐l̸̢̛g̶̨͝o̵͔͆ ‮bidi‬ a\u{200B}b\u{FEFF}c ＦＵＬＬｗｉｄｔｈ ﬁﬂ ㌀ ℃",
        String(repeating: "a", count: 300) + String(repeating: "é", count: 100) + String(repeating: "ﬁ", count: 50),
    ]

    @Test func everyCategorySample() throws {
        for (k, s) in Self.scripts.enumerated() { try check(s, "sample \(k)") }
        try check(Self.scripts.joined(separator: "\n"), "joined")
        try check(Self.scripts.joined(separator: ""), "concatenated")
    }

    @Test func adversarialSequences() throws {
        let cases = [
            // Combining marks after clean runs, across what would be run boundaries, out of canonical order.
            "abc\u{301}", "ab\u{327}\u{301}c", "a\u{301}\u{327}", "a\u{316}\u{301}\u{327}b", "\u{301}start",
            "x\u{334}y", "A\u{334}", "A\u{301}", "Å\u{323}", "e\u{301}\u{301}", "ſ\u{307}",
            // Hangul: L+V, LV+T, LVT, jamo alone, compatibility jamo.
            "\u{1100}\u{1161}", "\u{1100}\u{1161}\u{11A8}", "가\u{11A8}", "각\u{11A8}", "\u{1161}\u{11A8}", "ㄱㅏ",
            // Kana with (semi-)voiced marks, combining and spacing, halfwidth.
            "か\u{3099}", "ハ\u{309A}", "う\u{3099}", "か゛", "ｶﾞ", "ﾊﾟ", "\u{3099}",
            // Indic compositions and nukta/virama orders; Thai marks out of order.
            "\u{9C7}\u{9BE}", "\u{BC6}\u{BBE}", "\u{BC6}\u{BD7}", "\u{928}\u{93C}", "\u{915}\u{93C}", "\u{915}\u{94D}\u{93C}",
            "\u{E01}\u{E48}\u{E38}", "\u{E01}\u{E38}\u{E48}", "\u{5D1}\u{5BC}\u{5B8}", "\u{5D1}\u{5B8}\u{5BC}",
            // Supplementary: math alphanumerics, composition exclusions, CJK compatibility, emoji, tags.
            "𝐀𝐁𝐂", "\u{1D15E}\u{1D165}", "\u{1D157}\u{1D165}", "\u{F900}\u{2F800}", "😀\u{1F3FD}", "🏴\u{E0067}\u{E0062}\u{E007F}",
            "\u{11099}\u{110BA}", "\u{11131}\u{11127}",
            // NFKC_Casefold specials.
            "İstanbul", "I\u{307}", "ẞ STRASSE ß", "ΣΊΣΥΦΟΣ ς σ", "Ǆ ǅ ǆ", "ﬀ ﬃ ſt", "A\u{AD}B\u{200B}C\u{FE0F}D\u{E0001}E\u{180B}",
            "\u{34F}A", "K Å Ω", "ꭰ Ꭰ", "ǰ\u{323}", "\u{1E9B}\u{323}",
            // Singletons and canonical decompositions that are not recomposed.
            "\u{212B}\u{2126}\u{340}\u{341}\u{343}\u{344}\u{F4D}", "\u{2ADC}\u{338}", "≠\u{338}", "=\u{338}",
        ]
        for c in cases {
            try check(c)
            try check("Q" + c + "Z")
            try check("ж" + c + "中")
        }
    }

    /// Random strings over an alphabet of the characters that interact (marks of many classes, bases that compose,
    /// jamo, kana marks, compatibility and case-folding characters, ASCII), deterministic seed.
    @Test func randomInteractingSequences() throws {
        let alphabet: [UInt32] = [
            0x41, 0x61, 0x45, 0x65, 0x49, 0x69, 0x53, 0x73, 0x20, 0x2E, 0x0A, 0xC5, 0xE9, 0xDF, 0x130, 0x131, 0x17F,
            0x1E9E, 0x3A3, 0x3C2, 0x3C3, 0x399, 0x345, 0x300, 0x301, 0x302, 0x308, 0x316, 0x323, 0x327, 0x328, 0x334,
            0x338, 0x34F, 0x5B8, 0x5BC, 0x64B, 0x651, 0x915, 0x928, 0x93C, 0x94D, 0x9BE, 0x9C7, 0x9D7, 0xBBE, 0xBC6,
            0xBD7, 0xE01, 0xE38, 0xE48, 0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x3131, 0x304B, 0x30CF, 0x3099, 0x309A,
            0x309B, 0xFF76, 0xFF9E, 0xFB01, 0xFF21, 0x2460, 0x3300, 0x2126, 0x212B, 0x1D400, 0x1D15E, 0x1D165, 0x1F600,
            0x1F3FD, 0x200D, 0xFE0F, 0xAD, 0x200B, 0xE0001, 0xF900, 0x2F800, 0x110BA, 0x11127, 0x4E2D, 0x436, 0x306,
        ]
        var rng = SplitMix64(state: 0x5EED)
        for round in 0..<3000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<(1 + Int(rng.next() % 24)) {
                s.append(Unicode.Scalar(alphabet[Int(rng.next() % UInt64(alphabet.count))])!)
            }
            try check(String(s), "round \(round)")
        }
    }

    /// Every scalar value between an uppercase letter and a combining mark, and between two marks of different
    /// classes, in one text per form: exercises the table on every code point and every block.
    @Test func everyCodePointInContext() throws {
        var s = String.UnicodeScalarView()
        for v in UInt32(0xA0)...0x10FFFF where !(0xD800...0xDFFF).contains(v) {
            let c = Unicode.Scalar(v)!
            if v % 3 == 0 { s.append("A"); s.append(c); s.append("\u{301}") }
            else if v % 3 == 1 { s.append(c); s.append("\u{327}"); s.append("\u{316}"); s.append(" ") }
            else { s.append("\u{300}"); s.append(c); s.append("b") }
        }
        let text = String(s)
        for form in Self.forms {
            let got = try TextNormalizer(steps: [.form(form)]).normalize(text)
            #expect(got == (try form.normalize(text)), "\(form)")
        }
    }

    /// The category corpora when present (`AIGC_CATEGORY_CORPORA=/tmp/aigc-cat`, made by
    /// `Benchmarks/make_category_corpora.py`): every file in every form against ICU on the whole file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["AIGC_CATEGORY_CORPORA"] != nil,
                   "set AIGC_CATEGORY_CORPORA to a directory made by Benchmarks/make_category_corpora.py"))
    func categoryCorpora() throws {
        let dir = ProcessInfo.processInfo.environment["AIGC_CATEGORY_CORPORA"] ?? ""
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") && $0 != "mix.txt" }
        #expect(!names.isEmpty)
        for name in names.sorted() {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            for form in Self.forms {
                let got = try TextNormalizer(steps: [.form(form)]).normalize(text)
                #expect(got == (try form.normalize(text)), "\(name) \(form)")
            }
        }
    }

    @Test func tableBuildCost() throws {
        let clock = ContinuousClock()
        let t = clock.measure { _ = QuickCheckTable.buildAll(.nfkc) }
        #expect(QuickCheckTable.buildAll(.nfkc) == 0x1100)
        print("quick-check table, NFKC, all 0x110000 code points: \(t)")
    }
}
