import AIGCTokenizer
import Foundation
import Testing

@Suite struct BPETests {
    /// tiktoken's quadratic merge and the heap merge agree on random pieces.
    @Test func linearEqualsHeap() throws {
        var rng = TF.RNG(s: 3)
        for tok in [TF.cl100k, TF.o200k] {
            for _ in 0..<400 {
                let s = TF.randomText(&rng, maxLen: 30)
                let b = Array(s.utf8).prefix(96)
                if b.count < 2 { continue }
                #expect(tok.model.mergeForTesting(Array(b), linear: true) == tok.model.mergeForTesting(Array(b), linear: false))
            }
        }
    }

    /// Pathological inputs stay fast (heap merge, no quadratic blow-up) and round-trip.
    @Test func pathologicalInputs() throws {
        let inputs = [String(repeating: "a", count: 100_000), String(repeating: " ", count: 100_000),
                      String(repeating: "日本語の", count: 5_000), String(repeating: "👨‍👩‍👧", count: 3_000),
                      String(repeating: "0", count: 50_000)]
        for tok in [TF.cl100k, TF.o200k] {
            for s in inputs {
                let ids = tok.encodeOrdinary(s)
                #expect(String(decoding: tok.decode(ids), as: UTF8.self) == s)
                #expect(ids.count < s.utf8.count)
            }
        }
    }

    @Test func roundTripRandomStringsAndBytes() throws {
        var rng = TF.RNG(s: 11)
        for tok in [TF.cl100k, TF.o200k] {
            for _ in 0..<500 {
                let s = TF.randomText(&rng, maxLen: 60)
                #expect(try tok.decodeString(tok.encodeOrdinary(s), strict: true) == s)
            }
            // Any bytes: no crash, and valid UTF-8 round-trips byte for byte.
            for _ in 0..<300 {
                let bytes = (0..<(rng.int(80))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let ids = bytes.withUnsafeBufferPointer { tok.encodeOrdinary(bytes: $0) }
                #expect(tok.decode(ids) == bytes)
            }
        }
    }

    @Test func batchAndThreadsAreDeterministic() throws {
        var rng = TF.RNG(s: 5)
        let texts = (0..<200).map { _ in TF.randomText(&rng) }
        var one = TF.cl100k
        one.threads = 1
        let a = one.encodeOrdinaryBatch(texts)
        var two = TF.cl100k
        two.threads = 4
        #expect(two.encodeOrdinaryBatch(texts) == a)
        #expect(try two.encodeBatch(texts) == a)
        #expect(a == texts.map { TF.cl100k.encodeOrdinary($0) })
    }
}
