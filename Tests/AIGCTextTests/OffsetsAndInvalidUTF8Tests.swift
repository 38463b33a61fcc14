import Foundation
import Testing
@testable import AIGCText

/// A small deterministic generator (tests must not depend on the global RNG's seed).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

let trickyPieces = ["a", "B", " ", "  ", "\t", "\n", "\r\n", "\r", "e\u{301}", "\u{301}", "Ａ", "ﬁ", "ẛ\u{323}", "한",
                    "\u{1100}\u{1161}", "ΟΔΟΣ", "İ", "ß", "\u{200B}", "\u{202E}", "\u{FEFF}", "👩\u{200D}💻", "😀",
                    "\u{0}", "\u{85}", "\u{2028}", "\u{3000}", "漢", "x²", "①", "Привет", "ﾀ", "\u{0F73}", "\u{AD}"]

func randomText(_ rng: inout SplitMix64, pieces: Int) -> String {
    var s = ""
    for _ in 0..<pieces { s += trickyPieces[Int(rng.next() % UInt64(trickyPieces.count))] }
    return s
}

let allStepsPipeline = TextNormalizer(steps: [
    .newlines, .removeControl, .formatCharacters(.remove), .form(.nfkc), .lowercase(locale: nil), .stripAccents,
    .whitespace(mapSpaces: true, collapse: true, trimLines: true), .transliterate(id: "Any-Latin; Latin-ASCII"),
    .replace(pattern: .regex("[0-9]"), content: "#"),
])

@Suite struct OffsetsTests {
    @Test func identityOffsetsAreExact() throws {
        let t = try TextNormalizer().normalizeWithOffsets("héllo")
        #expect(t.origin == [0, 1, 2, 3, 4, 5])
        #expect(t.originalOffset(6) == 6)
    }

    @Test func mappedOffsetsPointAtSources() throws {
        let t = try TextNormalizer(steps: [.form(.nfkc)]).normalizeWithOffsets("ab ﬁx Ａ")
        // "ab fix A": 'f' and 'i' come from the ligature at byte 3; 'x' from byte 6; 'A' from byte 8.
        #expect(t.string == "ab fix A")
        #expect(t.originalOffset(3) == 3 && t.originalOffset(4) == 3 && t.originalOffset(5) == 6)
        #expect(t.originalOffset(7) == 8)
        #expect(t.originalRange(3..<5) == 3..<6)
    }

    @Test func propertyOffsetsInsideInputAndMonotonic() throws {
        var rng = SplitMix64(state: 42)
        let pipelines = [allStepsPipeline, TextNormalizer(steps: [.form(.nfd)]), TextNormalizer(steps: [.form(.nfkcCasefold)]),
                         TextNormalizer(steps: [.strip(left: true, right: true), .prepend("▁")])]
        for round in 0..<300 {
            let s = randomText(&rng, pieces: Int(rng.next() % 40))
            let n = pipelines[round % pipelines.count]
            let t = try n.normalizeWithOffsets(s)
            let origin = try #require(t.origin)
            #expect(origin.count == t.bytes.count)
            var prev = 0
            for o in origin {
                #expect(o >= 0 && o < max(t.originalLength, 1), "offset \(o) outside input of \(t.originalLength) bytes")
                #expect(o >= prev, "not monotonic in \(s.debugDescription)")
                prev = o
            }
            // Same bytes as the untracked path.
            #expect(try n.normalize(s) == t.string)
        }
    }
}

@Suite struct InvalidUTF8Tests {
    @Test func replacedAndCounted() throws {
        var stats = NormalizationStats()
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xE2, 0x82, 0x63, 0xF0, 0x9F, 0x98, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80]
        let out = try TextNormalizer().normalize(bytes: bytes, stats: &stats)
        // Maximal subparts: FF | E2 82 | C0 | AF | ED | A0 | 80 → 7 replacements (as Swift's and WHATWG's decoders).
        #expect(stats.invalidUTF8Replaced == 7)
        #expect(out.string == String(decoding: bytes, as: UTF8.self))
    }

    @Test func failNamesTheOffset() throws {
        let n = TextNormalizer(invalidUTF8: .fail)
        var stats = NormalizationStats()
        do {
            _ = try n.normalize(bytes: [0x61, 0x62, 0x63, 0xC3, 0x28], source: "in.txt", baseOffset: 100, stats: &stats)
            Issue.record("expected an error")
        } catch let e as InvalidUTF8Error {
            #expect(e.offset == 103)
            #expect(e.description == "in.txt: invalid UTF-8 at byte offset 103")
        }
    }

    @Test func randomBytesNeverCrashAndMatchSwiftDecoding() throws {
        var rng = SplitMix64(state: 7)
        for _ in 0..<500 {
            let bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let out = try TextNormalizer().normalize(bytes: bytes)
            #expect(out.string == String(decoding: bytes, as: UTF8.self))
            _ = try allStepsPipeline.normalize(bytes: bytes, trackOffsets: true)
        }
    }
}

@Suite struct StreamingTests {
    @Test func streamingEqualsWholeText() throws {
        var rng = SplitMix64(state: 99)
        var big = ""
        for _ in 0..<2000 { big += randomText(&rng, pieces: 30) + "\n" + (rng.next() % 2 == 0 ? "w" : "") }
        let bytes = Array(big.utf8) + [0xFF, 0x0A, 0x41]
        for n in [allStepsPipeline, TextNormalizer(steps: [.form(.nfc)])] {
            var stats = NormalizationStats()
            let whole = try n.normalize(bytes: bytes, stats: &stats).bytes
            for (chunk, threads) in [(1, 1), (7, 1), (64, 2), (1000, 1), (1 << 16, 3), (1 << 20, 2)] {
                var stream = StreamingNormalizer(n, chunkSize: chunk * 3, threads: threads)
                var out: [UInt8] = []
                var i = 0
                while i < bytes.count {
                    out += try stream.feed(bytes[i..<min(i + chunk, bytes.count)])
                    i += chunk
                }
                out += try stream.finish()
                #expect(out == whole, "chunk \(chunk)")
                #expect(stream.stats.invalidUTF8Replaced == 1)
            }
        }
    }

    /// Lines that start with a non-ASCII letter with a boundary before it in every form may be cut; lines that
    /// start with a mark, a jamo vowel, a "maybe" vowel sign, a Unicode space or a format character may not.
    /// Streaming such text in small chunks on several threads equals the whole text for every pipeline.
    @Test func cutsBeforeBoundaryLettersOnly() throws {
        func cut(_ s: String) -> Int? { StreamingNormalizer.lastSafeCut(Array(s.utf8)) }
        for ok in ["Ж", "中", "ক", "ا", "가", "ᄀ", "À", "ﬁ"] { #expect(cut("x\n" + ok + "y") == 2, "\(ok)") }
        for no in ["\u{301}", "\u{1161}", "\u{11A8}", "\u{9BE}", "\u{BBE}", "\u{3099}", "\u{3000}", "\u{200B}", "\u{85}",
                   "\u{FEFF}", "①", " "] {
            #expect(cut("x\n" + no + "y") == nil, "\(no.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        var rng = SplitMix64(state: 7)
        let starts = ["Ж", "中", "ক", "가", "\u{301}", "\u{1161}", "\u{9BE}", "\u{3000}", "ΣΑΣ", "İ", "ﬁ", "a", " "]
        var big = ""
        for _ in 0..<3000 {
            big += starts[Int(rng.next() % UInt64(starts.count))] + randomText(&rng, pieces: 6) + "\n"
        }
        let bytes = Array(big.utf8)
        for n in [allStepsPipeline, TextNormalizer(steps: [.form(.nfc)]), TextNormalizer(steps: [.form(.nfkcCasefold)]),
                  TextNormalizer(steps: [.form(.nfd), .caseFold(turkic: false)])] {
            let whole = try n.normalize(bytes: bytes).bytes
            for (chunk, threads) in [(5, 1), (300, 2), (4096, 3), (1 << 16, 2)] {
                var stream = StreamingNormalizer(n, chunkSize: chunk * 3, threads: threads)
                var out: [UInt8] = []
                var i = 0
                while i < bytes.count {
                    out += try stream.feed(Array(bytes[i..<min(i + chunk, bytes.count)]))
                    i += chunk
                }
                out += try stream.finish()
                #expect(out == whole, "chunk \(chunk), threads \(threads)")
            }
        }
    }

    /// `run` (the command line's path: two reused read buffers, unchanged pieces emitted from the buffer, each
    /// thread's piece emitted on its own) equals the whole text for every pipeline, buffer size, read size and
    /// thread count: form-only pipelines (scanned in place), pipelines of several steps, a whole-text pipeline
    /// (HF Strip), invalid UTF-8 inside pieces, lines starting with letters, marks and jamo, and a line longer than
    /// the buffer (which must grow).
    @Test func runEqualsWholeText() throws {
        var rng = SplitMix64(state: 21)
        let starts = ["Ж", "中", "ক", "가", "\u{301}", "\u{1161}", "\u{9BE}", "ΣΑΣ", "İ", "ﬁ", "a", " ", "Ａ"]
        var big = ""
        for k in 0..<2500 {
            big += starts[Int(rng.next() % UInt64(starts.count))] + randomText(&rng, pieces: 8) + "\n"
            if k == 1200 { big += String(repeating: "long line ä\u{308} ", count: 2000) + "\n" }
        }
        var bytes = Array(big.utf8)
        bytes.insert(contentsOf: [0xFF, 0xC3], at: bytes.count / 3)
        bytes.insert(0xE0, at: bytes.count * 2 / 3)
        for n in [TextNormalizer(steps: [.form(.nfc)]), TextNormalizer(steps: [.form(.nfkc)]),
                  TextNormalizer(steps: [.form(.nfkcCasefold)]), TextNormalizer(steps: [.form(.nfd)]), allStepsPipeline,
                  TextNormalizer(steps: [.form(.nfkc), .lowercase(locale: nil)]),
                  TextNormalizer(steps: [.form(.nfc), .strip(left: true, right: true)])] {
            var wholeStats = NormalizationStats()
            let whole = try n.normalize(bytes: bytes, stats: &wholeStats).bytes
            for (chunk, read, threads) in [(64, 7, 1), (1000, 333, 2), (1 << 12, 1 << 12, 3), (1 << 16, 5000, 2),
                                           (1 << 20, 1 << 20, 2), (1 << 20, 1 << 20, 1)] {
                var stream = StreamingNormalizer(n, chunkSize: chunk, threads: threads)
                var out: [UInt8] = []
                var at = 0
                try stream.run(read: { buffer in
                    let got = min(buffer.count, read, bytes.count - at)
                    bytes.withUnsafeBytes { src in
                        buffer.baseAddress?.copyMemory(from: src.baseAddress! + at, byteCount: got)
                    }
                    at += got
                    return got
                }, emit: { out.append(contentsOf: $0) })
                #expect(out == whole, "chunk \(chunk), read \(read), threads \(threads), \(n.steps)")
                #expect(stream.stats.invalidUTF8Replaced == wholeStats.invalidUTF8Replaced)
                #expect(stream.stats.bytesIn == bytes.count)
                #expect(stream.stats.bytesOut == whole.count)
            }
        }
    }

    /// A piece normalized where it lies (`normalize(piece:)`) equals `normalize(bytes:)` of a copy, with the same
    /// statistics; nil (the input passed on as it is) only when nothing changes.
    @Test func pieceEqualsCopy() throws {
        var rng = SplitMix64(state: 5)
        for k in 0..<400 {
            var bytes = Array((randomText(&rng, pieces: Int(rng.next() % 12)) + (k % 3 == 0 ? "ÅＢc" : "abc")).utf8)
            if k % 7 == 0 { bytes.append(0xFF) }
            for n in [TextNormalizer(steps: [.form(.nfc)]), TextNormalizer(steps: [.form(.nfkcCasefold)]), allStepsPipeline] {
                var a = NormalizationStats(), b = NormalizationStats()
                let expected = try n.normalize(bytes: bytes, stats: &a).bytes
                let got = try bytes.withUnsafeBufferPointer { try n.normalize(piece: $0, source: "", baseOffset: 0, stats: &b) }
                #expect((got ?? bytes) == expected)
                if got == nil { #expect(expected == bytes) }
                #expect(a == b)
            }
        }
    }

    @Test func failOffsetIsGlobalWhenStreaming() throws {
        var stream = StreamingNormalizer(TextNormalizer(invalidUTF8: .fail), source: "big.txt", chunkSize: 8)
        let bytes = Array("line one\nline two\nline three\nX".utf8) + [0xFE]
        var caught: InvalidUTF8Error?
        do {
            _ = try stream.feed(bytes[0..<20])
            _ = try stream.feed(bytes[20...])
            _ = try stream.finish()
        } catch let e as InvalidUTF8Error { caught = e }
        #expect(caught?.offset == bytes.count - 1)
    }
}
