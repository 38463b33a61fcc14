import AIGCTokenizer
import AIGCText
import Testing

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
        var rng = TF.RNG(s: 11)
        let valid = Array("aé日本€𝟙 ok ЖΩ\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\u{D7FF}\u{E000}".utf8)
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
                #expect(UTF8Validation.firstInvalid(p) == Self.reference(p), "\(b)")
            }
        }
        let text = Array(String(repeating: "Hello 日本語 wörld ", count: 50).utf8)
        text.withUnsafeBufferPointer { #expect(UTF8Validation.firstInvalid($0) == nil) }
    }
}
