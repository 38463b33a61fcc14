import AIGCAudit
import AIGCCorpus
import Testing

/// Word hashes of ASCII text from the scanner's word ranges must be the corpus builder's `WordHasher` hashes.
@Suite struct CorpusWordHashesTests {
    /// The corpus builder's word hashes of a text.
    static func wordHasherHashes(_ bytes: [UInt8]) -> [UInt64] {
        var hashes: [UInt64] = []
        bytes.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { hashes.append($0) } }
        return hashes
    }

    /// The word hashes finished from the states the scanner computed in its own pass over its last text.
    static func finishedStates(_ scanner: TextScanner) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: scanner.wordCount + 1)
        scanner.corpusWordStates.withUnsafeBufferPointer { cs in
            scanner.wordStarts.withUnsafeBufferPointer { st in
                scanner.wordEnds.withUnsafeBufferPointer { en in
                    out.withUnsafeMutableBufferPointer { g in
                        CorpusWordHashes.finish(states: cs, starts: st, ends: en, count: scanner.wordCount, into: g.baseAddress!)
                    }
                }
            }
        }
        return Array(out.prefix(scanner.wordCount))
    }

    @Test func matchWordHasherOnASCII() {
        let texts = ["Hello, World! 42 times-x_y\tTAB\nnew line ... 3.14 A", "", "   ", "x", "MiXeD CaSe123abc ZZ9 @#$ end.",
                     "ctrl\u{7F}del \u{01}soh"]
        var scanner = TextScanner()
        for t in texts {
            let bytes = Array(t.utf8)
            _ = scanner.scan(bytes)
            let expected = CorpusWordHashesTests.wordHasherHashes(bytes)
            var got = [UInt64](repeating: 0, count: scanner.wordCount + 1)
            bytes.withUnsafeBufferPointer { p in
                scanner.wordStarts.withUnsafeBufferPointer { st in
                    scanner.wordEnds.withUnsafeBufferPointer { en in
                        got.withUnsafeMutableBufferPointer { g in
                            CorpusWordHashes.ascii(p, starts: st, ends: en, count: scanner.wordCount, into: g.baseAddress!)
                        }
                    }
                }
            }
            #expect(Array(got.prefix(scanner.wordCount)) == expected, "\(t)")
            // The states the scanner computed in its own pass finish to the same hashes.
            #expect(CorpusWordHashesTests.finishedStates(scanner) == expected, "\(t)")
        }
    }

    /// Non-ASCII text whose non-ASCII characters are all separators for both (curly quotes, dashes, ellipsis,
    /// ×, NBSP): the scanner says its words match `WordHasher`'s, and its word states finish to the same hashes.
    /// Where a non-ASCII character is part of a word for either (é, ², an emoji) it says they do not.
    @Test func fusedStatesOnSeparatedNonASCII() {
        var scanner = TextScanner()
        for t in ["I ’ m fine — “quoted” … ok", "price ×2\u{00A0}now", "a\u{2028}b", "’’"] {
            let bytes = Array(t.utf8)
            let scan = scanner.scan(bytes)
            #expect(scan.nonASCII && scan.corpusWordsMatch, "\(t)")
            let expected = CorpusWordHashesTests.wordHasherHashes(bytes)
            #expect(CorpusWordHashesTests.finishedStates(scanner) == expected, "\(t)")
        }
        for t in ["naïve café", "x² y", "emoji 😀 ok", "Привет"] {
            #expect(!scanner.scan(Array(t.utf8)).corpusWordsMatch, "\(t)")
        }
        #expect(!scanner.scan(Array("ok ".utf8) + [0xFF]).corpusWordsMatch)
        #expect(scanner.scan(Array("plain ascii".utf8)).corpusWordsMatch)
    }
}
