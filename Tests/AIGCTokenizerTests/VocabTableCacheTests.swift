import AIGCTokenizer
import Foundation
import Testing

/// The binary vocabulary-table cache: a table read back gives the same ids; any damaged file is rejected.
@Suite struct VocabTableCacheTests {
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-vt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test(arguments: ["cl100k_base", "o200k_base"])
    func roundTripGivesTheSameIds(encoding: String) throws {
        let tok = TF.named(encoding)
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try #require(VocabTableCache.roundTripForTesting(tok.model, sha256: tok.sha256, directory: dir))
        #expect(model.idCount == tok.model.idCount)
        // Every 97th token: same bytes and found again by its bytes.
        for id in stride(from: 0, to: tok.model.idCount, by: 97) {
            let b = tok.model.bytes(of: UInt32(id))
            #expect(model.bytes(of: UInt32(id)) == b)
            if let b { #expect(model.id(of: b) == UInt32(id)) }
        }
        let cached = try Tokenizer(model: model, pattern: tok.pattern, name: encoding)
        var rng = TF.RNG(s: 7)
        for _ in 0..<40 {
            let s = (0..<rng.int(200)).map { _ in TF.pool[rng.int(TF.pool.count)] }.joined()
            #expect(cached.encodeOrdinary(s) == tok.encodeOrdinary(s), "\(s.debugDescription)")
        }
        let long = String(repeating: "=", count: 300) + " 日本語中文한국어 hello world"
        #expect(cached.encodeOrdinary(long) == tok.encodeOrdinary(long))
    }

    @Test func damagedFilesAreRejected() throws {
        let tok = TF.cl100k
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(!VocabTableCache.acceptsForTesting(sha256: tok.sha256, directory: dir), "no file")
        _ = try #require(VocabTableCache.roundTripForTesting(tok.model, sha256: tok.sha256, directory: dir))
        let url = VocabTableCache.fileURL(sha256: tok.sha256, directory: dir)
        let good = try Data(contentsOf: url)
        #expect(VocabTableCache.acceptsForTesting(sha256: tok.sha256, directory: dir))
        // Another hash's name never finds this file; a copy under another name is refused by its header.
        let other = String(repeating: "0", count: 64)
        #expect(!VocabTableCache.acceptsForTesting(sha256: other, directory: dir))
        try good.write(to: VocabTableCache.fileURL(sha256: other, directory: dir))
        #expect(!VocabTableCache.acceptsForTesting(sha256: other, directory: dir), "header hash differs")
        // One flipped byte anywhere (header words, hash, offsets, bytes, slots, filter, last byte) is caught.
        let n = good.count
        try Self.expectDamageRejected(good, at: url, flips: [0, 8, 20, 60, 200, 600_000, n / 2, n - 300_000, n - 1000, n - 1],
                                      mask: 0x40) { VocabTableCache.acceptsForTesting(sha256: tok.sha256, directory: dir) }
    }

    /// Writes `good` with one byte flipped at each of `flips`, then truncated by one byte, then extended by one, and
    /// expects `accepts` to refuse each; then restores `good` and expects it accepted.
    static func expectDamageRejected(_ good: Data, at url: URL, flips: [Int], mask: UInt8, accepts: () -> Bool) throws {
        for at in flips {
            var bad = good
            bad[at] ^= mask
            try bad.write(to: url)
            #expect(!accepts(), "flip at \(at)")
        }
        try good.prefix(good.count - 1).write(to: url)
        #expect(!accepts(), "truncated")
        try (good + Data([0])).write(to: url)
        #expect(!accepts(), "extended")
        try good.write(to: url)
        #expect(accepts(), "restored")
    }

    /// The split-index cache: every word read back equals the index built from the table; a damaged, truncated,
    /// extended or renamed file is rejected.
    @Test(arguments: ["cl100k_base", "o200k_base"])
    func splitIndexRoundTripAndDamage(encoding: String) throws {
        let tok = TF.named(encoding)
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(!SplitIndexCache.acceptsForTesting(sha256: tok.sha256, directory: dir), "no file")
        #expect(SplitIndexCache.roundTripForTesting(tok.model, sha256: tok.sha256, directory: dir))
        let url = SplitIndexCache.fileURLForTesting(sha256: tok.sha256, directory: dir)
        let good = try Data(contentsOf: url)
        let other = String(repeating: "0", count: 64)
        try good.write(to: SplitIndexCache.fileURLForTesting(sha256: other, directory: dir))
        #expect(!SplitIndexCache.acceptsForTesting(sha256: other, directory: dir), "header hash differs")
        let n = good.count
        try Self.expectDamageRejected(good, at: url, flips: [0, 8, 16, 24, 32, 50, 110, 200, n / 2, n - 1], mask: 0x10) {
            SplitIndexCache.acceptsForTesting(sha256: tok.sha256, directory: dir)
        }
    }
}
