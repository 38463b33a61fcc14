import AIGCTokenizer
import Foundation
import Testing

/// Giant pieces are merged window by window in bounded memory (`BPEModel.encodeWindowed`); the ids must be exactly
/// those of merging the piece whole.
@Suite struct WindowedBPETests {
    /// Texts that are one pre-token or one part of one: what a line without spaces looks like to the merger.
    static func pieces(_ rng: inout TF.RNG) -> [(String, [UInt8])] {
        func repeated(_ unit: String, _ n: Int) -> [UInt8] {
            let u = Array(unit.utf8)
            return (0..<n).map { u[$0 % u.count] }
        }
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let hex = Array("0123456789abcdef".utf8)
        let dna = Array("ACGT".utf8)
        var out: [(String, [UInt8])] = [
            ("one letter", repeated("a", 5000)),
            ("one letter, odd end", repeated("a", 5001) + Array("b".utf8)),
            ("odd start", Array("b".utf8) + repeated("a", 4999)),
            ("pairs", repeated("ab", 4000)),
            ("equals-dash", repeated("=-", 3000)),
            ("spaces", repeated(" ", 4000)),
            ("digits", repeated("0123456789", 500)),
            ("CJK", repeated("日本語の中文한국어", 300)),
            ("emoji", repeated("👨‍👩‍👧👍🏽", 200)),
        ]
        for k in 0..<4 {
            out.append(("random letters \(k)", (0..<(3000 + rng.int(3000))).map { _ in letters[rng.int(letters.count)] }))
            out.append(("hex \(k)", (0..<(3000 + rng.int(2000))).map { _ in hex[rng.int(hex.count)] }))
            out.append(("dna \(k)", (0..<(3000 + rng.int(2000))).map { _ in dna[rng.int(dna.count)] }))
            out.append(("random bytes \(k)", (0..<(2000 + rng.int(2000))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
            // Runs of one letter broken at random places: the parity of every run depends on its left end.
            var b: [UInt8] = []
            while b.count < 4000 { b += Array(repeating: letters[rng.int(3)], count: 1 + rng.int(300)) }
            out.append(("runs \(k)", b))
            out.append(("mixed \(k)", Array((0..<400).map { _ in TF.randomText(&rng, maxLen: 12) }.joined().utf8)))
        }
        return out
    }

    /// Windows from 128 bytes up, margins down to the longest token: every seam checked, the ids equal the whole
    /// merge, for both merge rules (tiktoken ranks; an HF tokenizer.json with a merges list).
    @Test func windowedEqualsWholeMerge() throws {
        var rng = TF.RNG(s: 41)
        let hf = try Tokenizer(contentsOf: TF.url("hf-bytelevel.json"))
        #expect(hf.model.windowingForTesting.threshold != Int.max, "every byte of the HF fixture has a token")
        var moved = 0
        for tok in [TF.cl100k, TF.o200k, hf] {
            let longest = tok.model.longestTokenForTesting
            for (name, b) in WindowedBPETests.pieces(&rng) {
                let whole = tok.model.mergeForTesting(b, linear: false)
                for (size, margin) in [(128, 0), (256, 64), (1000, 250), (4096, 512)] {
                    let w = tok.model.encodeWindowedForTesting(b, size: max(size, 2 * longest), margin: margin)
                    #expect(w.ids == whole, "\(name): window \(size), margin \(margin)")
                    #expect(w.seamsMoved != nil, "\(name): a seam failed \(64) times in a row")
                    moved += w.seamsMoved ?? 0
                    #expect(tok.model.countWindowedForTesting(b, size: max(size, 2 * longest), margin: margin) == whole.count, "\(name)")
                }
            }
        }
        // Narrow margins put seams where the window's end changed its last tokens: the check must have caught some
        // (else this test would not exercise moving a seam back).
        #expect(moved > 0, "no seam was ever moved back")
    }

    /// Through the public encoder and counter: a piece over the threshold (a line of letters without a space)
    /// gives the whole merge's ids, and `count` agrees.
    @Test func giantPieceThroughEncoder() throws {
        var rng = TF.RNG(s: 5)
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        for tok in [TF.cl100k, TF.o200k] {
            let n = tok.model.windowingForTesting.threshold + 12_345
            let b = (0..<n).map { _ in letters[rng.int(letters.count)] }
            let whole = tok.model.mergeForTesting(b, linear: false)
            let ids = b.withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0) }
            #expect(ids == whole)
            #expect(b.withUnsafeBufferPointer { tok.count(bytes: $0) } == whole.count)
            let run = [UInt8](repeating: UInt8(ascii: "a"), count: n)
            #expect(run.withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0) } == tok.model.mergeForTesting(run, linear: false))
        }
    }
}
