import AIGCCorpus
import AIGCText
import Testing

@Suite struct CleaningTests {
    func scrub(_ s: String) -> (String, [PIIKind: Int]) {
        var counts: [PIIKind: Int] = [:]
        let out = PIIScrubber().scrub(Array(s.utf8), counts: &counts)
        return (out.map { String(decoding: $0, as: UTF8.self) } ?? s, counts)
    }

    @Test func piiPlaceholdersAndCounts() {
        #expect(scrub("mail jane.doe+x@mail.example.org now").0 == "mail <EMAIL> now")
        #expect(scrub("call +1 (555) 123-4567 or 020 7946 0958 1").0 == "call <PHONE> or <PHONE>")
        #expect(scrub("host 10.0.0.255:80 and fe80::1ff:fe23:4567:890a").0 == "host <IP_ADDRESS>:80 and <IP_ADDRESS>")
        #expect(scrub("card 4111-1111-1111-1111.").0 == "card <CREDIT_CARD>.")
        let (_, c) = scrub("a@b.co x@y.com 1.2.3.4")
        #expect(c == [.email: 2, .ip: 1])
    }

    @Test func piiLeavesOrdinaryNumbersAlone() {
        for s in ["It costs 1000 yuan.", "Meet at 10:30 on 2024-05-01.", "Version 1.2.3 is out.", "Call 555-1234.",
                  "4111 1111 1111 1112 fails Luhn", "user@localhost", "999.1.1.1"] {
            #expect(scrub(s).0 == s, "\(s)")
        }
    }

    @Test func roleOrder() {
        #expect(RecordCleaner.roleOrderProblem([Turn(.system, "s"), Turn(.user, "u"), Turn(.assistant, "a")]) == nil)
        #expect(RecordCleaner.roleOrderProblem([Turn(.user, "u"), Turn(.assistant, "a"), Turn(.user, "u")]) != nil)
        #expect(RecordCleaner.roleOrderProblem([Turn(.user, "u"), Turn(.user, "u"), Turn(.assistant, "a")]) != nil)
        #expect(RecordCleaner.roleOrderProblem([Turn(.user, "u"), Turn(.system, "s"), Turn(.assistant, "a")]) != nil)
        #expect(RecordCleaner.roleOrderProblem([Turn(.system, "s")]) != nil)
    }

    func clean(_ json: String, decon: NGramIndex? = nil, invalid: InvalidUTF8Policy = .skip) -> RecordCleaner.Outcome {
        let c = RecordCleaner(parser: RecordParser(format: .openai), normalizer: CorpusBuildOptions.defaultNormalizer,
                              invalidUTF8: invalid, decontaminator: decon)
        return Array(json.utf8).withUnsafeBufferPointer { c.clean($0) }
    }

    func reason(_ o: RecordCleaner.Outcome) -> DropReason? {
        if case .dropped(let r, _) = o { return r }
        return nil
    }

    /// A normalizer that fails (here: a transliterator ICU does not know) drops the record with its own reason;
    /// the text is never kept un-normalized.
    @Test func normalizationFailureIsADropReason() {
        let c = RecordCleaner(parser: RecordParser(format: .openai),
                              normalizer: TextNormalizer(steps: [.transliterate(id: "No-Such-Transform")]))
        let out = Array(#"{"messages":[{"role":"user","content":"Grüße"},{"role":"assistant","content":"ok"}]}"#.utf8)
            .withUnsafeBufferPointer { c.clean($0) }
        #expect(reason(out) == .normalizationFailed)
        if case .dropped(_, let message) = out { #expect(message.contains("normalization failed")) }
    }

    @Test func cleaningStepsAndReasons() throws {
        #expect(reason(clean(#"{"messages":[{"role":"user","content":" \u200b\t"},{"role":"assistant","content":"a"}]}"#)) == .emptyTurn)
        #expect(reason(clean(#"{"messages":[{"role":"user","content":"\u0007"},{"role":"assistant","content":"a"}]}"#)) == .emptyTurn)
        #expect(reason(clean(#"{"messages":[{"role":"assistant","content":"a"}]}"#)) == .roleOrder)
        #expect(reason(clean(#"{"messages":[{"role":"user","content":"\udc00"},{"role":"assistant","content":"a"}]}"#)) == .invalidUTF8)
        #expect(reason(clean(#"{"messages":[{"role":"user","content":"\udc00"},{"role":"assistant","content":"a"}]}"#, invalid: .replace)) == nil)
        // Normalization: NFD input, CRLF and a control character.
        guard case .kept(let k) = clean(#"{"messages":[{"role":"user","content":"Cafe\u0301\r\nx\u0001y"},{"role":"assistant","content":"a"}]}"#) else {
            Issue.record("dropped"); return
        }
        #expect(k.record == .conversation([Turn(.user, "Café\nxy"), Turn(.assistant, "a")]))
    }

    @Test func exactDuplicatesShareContentHashAfterNormalization() throws {
        guard case .kept(let a) = clean(#"{"messages":[{"role":"user","content":"Cafe\u0301"},{"role":"assistant","content":"ok"}]}"#),
              case .kept(let b) = clean(#"{"messages":[{"role":"user","content":"Café"},{"role":"assistant","content":"ok"}]}"#),
              case .kept(let c) = clean(#"{"messages":[{"role":"user","content":"Café"},{"role":"assistant","content":"ok!"}]}"#) else {
            Issue.record("dropped"); return
        }
        #expect(a.hash == b.hash)
        #expect(a.hash != c.hash)
        var d = DedupState(exact: true, near: false, bands: 14)
        let r = [d.isExactDuplicate(a.hash), d.isExactDuplicate(b.hash), d.isExactDuplicate(c.hash)]
        #expect(r == [false, true, false])
    }

    @Test func minHashNearDuplicates() {
        let m = MinHasher()
        let base = (0..<120).map { "w\($0 % 97)x\($0 % 13)" }.joined(separator: " ") + " on a sunny afternoon in late summer"
        let near = base.replacingOccurrences(of: "sunny", with: "bright")
        let other = "Completely different text about baking bread with flour water salt and yeast in a hot oven for forty minutes until golden brown and crisp outside"
        let sa = m.signature([Array(base.utf8)])!, sb = m.signature([Array(near.utf8)])!, sc = m.signature([Array(other.utf8)])!
        #expect(MinHasher.similarity(sa, sb) > 0.6)
        #expect(MinHasher.similarity(sa, sc) < 0.1)
        var lsh = LSHIndex(bands: 14)
        let hits = [lsh.insert(m.bandKeys(sa)), lsh.insert(m.bandKeys(sb)), lsh.insert(m.bandKeys(sc))]
        #expect(hits == [false, true, false])
        #expect(m.signature([Array("!!! ...".utf8)]) == nil)
        // Case and punctuation do not matter for shingles.
        #expect(m.signature([Array("Hello, World! How are you".utf8)]) == m.signature([Array("hello world how are you".utf8)]))
    }

    /// The C lane loop (SSE4.1 or portable) gives exactly the documented formula: min over shingles of
    /// (a·x + b) >> 32 with wrapping 64-bit arithmetic, for lane counts with and without groups of eight and four
    /// and a scalar tail.
    @Test func minHashLanesMatchTheScalarFormula() {
        func reference(_ text: String, k: Int, lanes: Int) -> [UInt32]? {
            var s: UInt64 = 0x6a09e667f3bcc908
            var a: [UInt64] = [], b: [UInt64] = []
            for _ in 0..<lanes {
                s = StableHash.scramble(s); a.append(s | 1)
                s = StableHash.scramble(s); b.append(s)
            }
            var words: [UInt64] = []
            Array(text.utf8).withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } }
            if words.isEmpty { return nil }
            func shingle(_ w: ArraySlice<UInt64>) -> UInt64 {
                var h: UInt64 = 0x2545f4914f6cdd1d ^ UInt64(w.count)
                for x in w { h = StableHash.mix(h ^ x, 0x9e3779b97f4a7c15) }
                return h
            }
            let xs = words.count < k ? [shingle(words[...])] : (0...(words.count - k)).map { shingle(words[$0..<($0 + k)]) }
            return (0..<lanes).map { j in xs.map { UInt32(truncatingIfNeeded: (a[j] &* $0 &+ b[j]) >> 32) }.min()! }
        }
        let texts = ["one two", "the quick brown fox jumps over the lazy dog and keeps running far away",
                     (0..<300).map { "t\($0 * 7919 % 1000)" }.joined(separator: " "), "über straße café naïve résumé coöperate"]
        for (bands, rows) in [(14, 8), (3, 3), (1, 1), (5, 2), (4, 3), (3, 5), (3, 7), (6, 6), (4, 8)] {
            let m = MinHasher(shingleSize: 5, bands: bands, rows: rows)
            for t in texts { #expect(m.signature([Array(t.utf8)]) == reference(t, k: 5, lanes: bands * rows)) }
        }
    }

    @Test func decontamination13Grams() {
        var d = NGramIndex()
        d.add(Array("Question: what is the boiling point of water at sea level in degrees celsius exactly? Answer: 100".utf8))
        d.add(Array("short item".utf8))
        #expect(d.skippedShortTexts == 1)
        #expect(d.contains([Array("Well, WHAT is the boiling point of water at sea level in degrees Celsius exactly, friend?".utf8)]))
        #expect(!d.contains([Array("what is the boiling point of water at sea level in degrees".utf8)]))
        #expect(!d.contains([Array("short item".utf8)]))
        let kept = clean(#"{"messages":[{"role":"user","content":"what is the boiling point of water at sea level in degrees celsius exactly"},{"role":"assistant","content":"100"}]}"#, decon: d)
        #expect(reason(kept) == .contaminated)
    }
}

@Suite struct NormalizationFastPathTests {
    /// The fast path must agree with ICU: every scalar it accepts, alone and after each letter, is NFC-stable.
    @Test func latinFastPathAgreesWithICU() throws {
        let n = CorpusBuildOptions.defaultNormalizer
        var accepted = 0
        for s in Array(0x20...0x7E) + Array(0xA0...0x2FF) + Array(0x2000...0x206F) + [0x0300, 0x0301, 0x212B, 0x0085, 0x2028] {
            guard let u = Unicode.Scalar(UInt32(s)) else { continue }
            for text in ["\(u)", "e\(u)", "A\(u)a", "\(u)\u{0301}"] {
                let bytes = Array(text.utf8)
                if bytes.withUnsafeBufferPointer({ TextChecks.isNFCStableLatin($0) }) {
                    accepted += 1
                    #expect(try n.normalize(text) == text, "U+\(String(s, radix: 16))")
                }
            }
        }
        #expect(accepted > 1000)
        #expect(!Array("e\u{301}".utf8).withUnsafeBufferPointer { TextChecks.isNFCStableLatin($0) })
    }
}
