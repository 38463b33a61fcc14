import AIGCAudit
import AIGCText
import Testing

@Suite struct ScannerTests {
    @Test func countsCharactersWordsAndScripts() {
        var s = TextScanner()
        s.beginDocument()
        let r = s.scan(Array("Hello, мир! 你好 123".utf8))
        #expect(r.chars == 18)
        // Words: Hello, мир, 你, 好 (Han counts per character), 123.
        #expect(r.words == 5)
        #expect(s.scriptChars[Int(ScriptTable.latin)] == 5)
        #expect(s.scriptChars[Int(UnicodeInfo.scriptCode(0x43C))] == 3)
        #expect(s.scriptChars[Int(UnicodeInfo.scriptCode(0x4F60))] == 2)
        #expect(s.scriptWords[Int(UnicodeInfo.scriptCode(0x4F60))] == 2)
        #expect(s.dominantScript() == ScriptTable.latin)
        #expect(r.bidi == 0 && r.zeroWidth == 0 && r.otherControl == 0 && r.invalidUTF8 == 0)
    }

    @Test func findsControlClassesRunsAndInvalidBytes() {
        var s = TextScanner()
        let text: [UInt8] = Array("a\u{202E}b\u{200B}c\u{0007}d\u{FEFF}\u{FFFD}".utf8) + [0xFF] + Array(String(repeating: "=", count: 70).utf8)
        let r = s.scan(text)
        #expect(r.bidi == 1 && r.firstBidi == 1)
        #expect(r.zeroWidth == 1)
        #expect(r.otherControl == 2) // BEL and BOM
        #expect(r.replacement == 1)
        #expect(r.invalidUTF8 == 1)
        #expect(r.longestRun == 70 && r.longestRunScalar == 0x3D)
        // Health-only scans agree.
        let h = s.scan(text, collect: false)
        #expect(h.bidi == r.bidi && h.zeroWidth == r.zeroWidth && h.otherControl == r.otherControl)
        #expect(h.invalidUTF8 == r.invalidUTF8 && h.longestRun == r.longestRun && h.chars == r.chars)
    }

    @Test func byteScriptsAlignWithBytes() {
        var s = TextScanner()
        s.trackByteScripts = true
        let text = Array("aж你".utf8)
        _ = s.scan(text)
        #expect(s.byteScripts.count == text.count)
        #expect(s.byteScripts[0] == UInt8(ScriptTable.latin))
        #expect(s.byteScripts[1] == s.byteScripts[2])
        #expect(s.byteScripts[3] == s.byteScripts[5])
    }

    @Test func nfkcCheck() {
        func check(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { NFKCCheck.wouldChange($0) } }
        #expect(!check("plain ascii"))
        #expect(!check("café déjà vu"))
        #expect(check("ＡＢＣ"))
        #expect(check("ﬁsh"))
        #expect(check("cafe\u{301}"))
    }

    /// The per-code-point shortcut gives the same answers as the full check, also where a scalar is stable on its
    /// own but not next to its neighbour (a combining mark after a stable letter, Hangul jamo, a stable letter before
    /// a mark), and it answers from its cache the second time.
    @Test func nfkcScalarCacheAgreesWithCheck() {
        let texts = ["plain ascii", "I ’ m fine — thanks…", "café déjà vu", "ＡＢＣ", "ﬁsh", "cafe\u{301}", "e\u{301}\u{327}",
                     "\u{1100}\u{1161}\u{11A8}", "한국어", "жж\u{306}", "привет", "你好世界", "emoji 😀👍🏽", "\u{00A0}nbsp", "x²",
                     "مرحبا\u{064B}", "\u{2126}ohm", "Å", "A\u{30A}", "\u{1D400}bold", "\u{FB01}", "ā", "\u{0301}lead"]
        var cache = NFKCScalarCache()
        for _ in 0..<2 {
            for t in texts {
                let b = Array(t.utf8)
                let full = b.withUnsafeBufferPointer { NFKCCheck.wouldChange($0) }
                #expect(b.withUnsafeBufferPointer { cache.wouldChange($0) } == full, "\(t)")
            }
        }
        var invalid: [UInt8] = Array("ok ".utf8) + [0xFF, 0xC3]
        #expect(invalid.withUnsafeMutableBufferPointer { NFKCCheck.wouldChange(UnsafeBufferPointer($0)) } ==
                invalid.withUnsafeMutableBufferPointer { cache.wouldChange(UnsafeBufferPointer($0)) })
    }

    @Test func excerptsRedactAndReveal() {
        let t = Array("mail bob.smith@example.com now \u{202E}x".utf8)
        let e = Excerpt.around(t, offset: 0)
        #expect(!e.contains("example.com"))
        #expect(e.contains("b••.s••••@e••••••.c••"))
        #expect(e.contains("⟨U+202E⟩"))
        #expect(Excerpt.visible(Array("a\nb\tc".utf8)) == "a⏎b⇥c")
        #expect(Excerpt.tokenText([0xE4, 0xBD]) == "\\xE4\\xBD")
    }

    /// The full scan (ASCII letters and digits on a fast path that records runs as they grow) and the health-only
    /// scan (one character at a time, runs recorded at their end) agree on every run, character and health count,
    /// on random mixes of repeated letters, digits, spaces, punctuation, non-ASCII letters, controls and invalid bytes.
    @Test func fastPathRunsAgreeWithHealthScan() {
        let pieces: [[UInt8]] = ["a", "aa", "B", "zzzz", "9", "00", " ", "  ", ".", "\n", "é", "éé", "ж", "你", "\u{202E}",
                                 "\u{200B}", "\u{7}", "=", "===", "@", ":"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xFF, 0xFF]]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var s = TextScanner()
        s.trackByteScripts = true
        for _ in 0..<400 {
            var text: [UInt8] = []
            for _ in 0..<next(40) { text += pieces[next(pieces.count)] }
            let full = s.scan(text)
            let health = s.scan(text, collect: false)
            #expect(full.longestRun == health.longestRun && full.longestRunOffset == health.longestRunOffset
                    && full.longestRunScalar == health.longestRunScalar, "\(text)")
            #expect(full.chars == health.chars && full.invalidUTF8 == health.invalidUTF8 && full.bidi == health.bidi
                    && full.zeroWidth == health.zeroWidth && full.otherControl == health.otherControl)
            #expect(s.byteScripts.count == text.count)
            #expect(full.piiCandidate == text.contains { $0 == 0x40 || $0 == 0x3A || ($0 >= 0x30 && $0 <= 0x39) })
        }
    }
}
