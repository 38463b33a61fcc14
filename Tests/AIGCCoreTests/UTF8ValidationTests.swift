import Foundation
import Testing
import AIGCCore

/// The fast whole-input UTF-8 check reports the same first invalid offset as the sequence-by-sequence walk.
@Suite struct UTF8ValidationTests {
    static func reference(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < p.count {
            let (ok, l) = UTF8Bytes.validSequenceLength(p, at: i)
            if !ok { return i }
            i += l
        }
        return nil
    }

    @Test func sameAnswerAsTheSequenceWalk() {
        var rng = SplitMix(s: 11)
        let valid = Array("aé日本€𝟙 ok ЖΩ नमस्ते ไทย 😀\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\u{D7FF}\u{E000}".utf8)
        let odd: [UInt8] = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x8F, 0x90]
        for round in 0..<3000 {
            var b: [UInt8] = []
            for _ in 0..<rng.int(60) {
                if rng.int(4) == 0 { b.append(odd[rng.int(odd.count)]) } else {
                    let s = rng.int(valid.count); b.append(contentsOf: valid[s..<min(valid.count, s + 1 + rng.int(12))])
                }
                if rng.int(3) == 0 { b.append(contentsOf: Array(repeating: UInt8(ascii: "x"), count: rng.int(40))) }
            }
            if round % 3 == 0, !b.isEmpty { b.removeLast(rng.int(min(3, b.count) + 1)) }  // truncated endings
            b.withUnsafeBufferPointer { p in
                #expect(UTF8Bytes.firstInvalid(p) == Self.reference(p), "\(b)")
            }
        }
        let text = Array(String(repeating: "Hello 日本語 wörld ", count: 50).utf8)
        text.withUnsafeBufferPointer { #expect(UTF8Bytes.firstInvalid($0) == nil) }
    }

    /// The AVX2 prefix scan hands the walk the right place: long inputs whose bad bytes fall everywhere relative to
    /// the 32-byte blocks (inside a block, on its first and last bytes, sequences cut by a block edge), truncated
    /// endings, and valid texts of every script.
    @Test(.enabled(if: UTF8Bytes.vectorizedScan, "this CPU has no AVX2: firstInvalid is the walk alone, tested above"))
    func vectorizedPrefixAgreesWithTheWalk() {
        let valid = Array("aé日本€𝟙 ok ЖΩ नमस्ते ไทย 😀👨‍👩‍👧\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\u{D7FF}\u{E000}".utf8)
        let odd: [UInt8] = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4,
                            0xF5, 0xFF, 0xA0, 0x9F, 0x8F, 0x90]
        var base: [UInt8] = []
        while base.count < 4096 { base.append(contentsOf: valid) }
        base.withUnsafeBufferPointer { #expect(UTF8Bytes.firstInvalid($0) == nil) }
        // Every odd byte at every offset of three blocks: before, across and after the edges at 64 and 96.
        for at in 60..<132 {
            for o in odd {
                var b = base
                b[at] = o
                b.withUnsafeBufferPointer { p in #expect(UTF8Bytes.firstInvalid(p) == Self.reference(p), "byte \(o) at \(at)") }
            }
        }
        // Random texts of up to ~3 KB, from all-valid to mostly odd, some truncated.
        var rng = SplitMix(s: 23)
        for round in 0..<4000 {
            var b: [UInt8] = []
            let rate = 1 + rng.int(300)
            for _ in 0..<rng.int(120) {
                if rng.int(rate) == 0 { b.append(odd[rng.int(odd.count)]) } else {
                    let s = rng.int(valid.count); b.append(contentsOf: valid[s..<min(valid.count, s + 1 + rng.int(16))])
                }
                if rng.int(3) == 0 { b.append(contentsOf: Array(repeating: UInt8(ascii: "x"), count: rng.int(70))) }
            }
            if round % 3 == 0, !b.isEmpty { b.removeLast(rng.int(min(3, b.count) + 1)) }
            b.withUnsafeBufferPointer { p in
                #expect(UTF8Bytes.firstInvalid(p) == Self.reference(p), "round \(round)")
                #expect(UTF8Bytes.firstInvalidWalk(p) == Self.reference(p), "round \(round)")
            }
        }
    }

    /// The two-thread scan of a large input agrees with the one-thread scan wherever the first bad byte lies.
    @Test func halvesAgreeWithOneScan() {
        let unit = Array("abc日本語 ЖΩ é\n".utf8)
        var big: [UInt8] = []
        while big.count < (1 << 20) + 4096 { big.append(contentsOf: unit) }
        big.withUnsafeBufferPointer { #expect(UTF8Bytes.firstInvalidInHalves($0) == nil) }
        for at in [5, big.count / 2 - 2, big.count / 2, big.count / 2 + 1, big.count - 1] {
            var b = big
            b[at] = 0xFF
            b.withUnsafeBufferPointer { p in
                #expect(UTF8Bytes.firstInvalidInHalves(p) == UTF8Bytes.firstInvalid(p))
                #expect(UTF8Bytes.firstInvalid(p) == Self.reference(p))
            }
        }
    }

    /// The hold-back rule of streamed text: a cut inside valid text backs up to the last scalar boundary; a tail
    /// that can never become valid is not held.
    @Test func completePrefixHoldsBackOnlyWhatMayStillComplete() {
        func held(_ b: [UInt8]) -> Int { b.withUnsafeBufferPointer { UTF8Bytes.completePrefixLength($0) } }
        let text = Array("aé日本€𝟙 ok ЖΩ\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}".utf8)
        var boundaries: [Int] = [0]
        for s in String(decoding: text, as: UTF8.self).unicodeScalars { boundaries.append(boundaries.last! + String(s).utf8.count) }
        for cut in 0...text.count {
            #expect(held(Array(text[..<cut])) == boundaries.last(where: { $0 <= cut }), "cut \(cut)")
        }
        #expect(held([0xC3]) == 0 && held([0x61, 0xE6, 0x97]) == 1 && held([0xF0, 0x90, 0x80]) == 0)
        #expect(held([0xE0, 0x80]) == 2 && held([0xF4, 0x90]) == 2 && held([0x61, 0x62, 0xED, 0xA0]) == 4)
        #expect(held([0x80]) == 1 && held([0xFF]) == 1 && held([0xC0]) == 1 && held([0x80, 0x80, 0x80, 0x80]) == 4)
    }
}

/// SplitMix64: a tiny deterministic generator for the randomized cases.
private struct SplitMix {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

/// `BackgroundUTF8Check` reads a file block by block and finds the same first invalid byte as one scan of the whole
/// file, wherever the bad byte and the block edges fall.
@Suite struct BlockwiseUTF8CheckTests {
    @Test func sameAnswerAsOneScanOfTheWholeFile() throws {
        let unit = Array("abc日本語 ЖΩ é😀\n".utf8)
        var text: [UInt8] = []
        while text.count < 3000 { text += unit }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-utf8check-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var cases: [[UInt8]] = [text, Array(text.dropLast(2)), []]
        for at in [0, 1, 5, 6, 7, 8, 63, 64, 65, 1000, 2999, text.count - 1] {
            for b: UInt8 in [0xFF, 0x80, 0xE6, 0xF0] { var t = text; t[at] = b; cases.append(t) }
        }
        for t in cases {
            try Data(t).write(to: URL(fileURLWithPath: path))
            let whole = t.withUnsafeBufferPointer { UTF8Bytes.firstInvalid($0) }
            for block in [4, 5, 7, 16, 64, 1 << 22] {
                #expect(try BackgroundUTF8Check.firstInvalidForTesting(path: path, block: block) == whole, "block \(block)")
            }
            #expect(try BackgroundUTF8Check(path: path).firstInvalid() == whole)
        }
        #expect(throws: AIGCError.self) { try BackgroundUTF8Check(path: path + ".missing").firstInvalid() }
    }
}
