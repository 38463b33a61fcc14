import AIGCTokenizer
import Foundation
import Testing

/// Shared fixtures: tokenizers are loaded once per test process.
enum TF {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dir = repo.appendingPathComponent("Fixtures/tokenizer")
    static func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
    /// A fixture's text; a missing or unreadable fixture fails the calling test (never an empty text that
    /// would compare equal to nothing).
    static func text(_ name: String) -> String {
        do {
            return try String(contentsOf: url(name), encoding: .utf8)
        } catch {
            Issue.record("fixture \(url(name).path) is missing or unreadable: \(error)")
            return ""
        }
    }
    /// Lines split on the byte `\n` (Swift's `Character` would keep "\r\n" together).
    static func lines(_ s: String) -> [String] {
        var l = Array(s.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if l.last == "" { l.removeLast() }
        return l
    }
    static func ids(_ line: String) -> [UInt32] {
        Array(line.utf8).split(whereSeparator: { $0 == 0x20 || $0 == 0x0A }).compactMap { UInt32(String(decoding: $0, as: UTF8.self)) }
    }

    static let cl100k: Tokenizer = try! Tokenizer.named("cl100k_base")
    static let o200k: Tokenizer = try! Tokenizer.named("o200k_base")
    static func named(_ n: String) -> Tokenizer { n == "cl100k_base" ? cl100k : o200k }

    /// A small deterministic PRNG (SplitMix64) so random tests are reproducible.
    struct RNG {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Characters exercising every pre-tokenizer class (all assigned in Unicode 15, so ICU and tiktoken agree).
    static let pool: [String] = Array("abcxyzABCXYZ0123456789 \t\r\n\u{0B}\u{0C}\u{85}\u{A0}\u{2009}\u{2028}\u{3000}\u{200B}''’\"sdmtlvreSDMTLVREſ.,;:!?-_/\\|()[]{}<>@#$%^&*+=~`٠١२३５⑤½²ⅫéüßñçøœĳǅᾈᾼΩЖжʰˆ々ー日本語中文한국어ไทยعربيעבריתहिन्दी".map(String.init))
        + ["\u{301}", "\u{308}", "\u{20DD}", "\u{903}", "\u{93F}", "\u{E31}", "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "\u{1D400}", "\u{20000}", "\u{0}", "\u{7F}", "\r\n", "  ", "\n\n"]

    static func randomText(_ rng: inout RNG, maxLen: Int = 40) -> String {
        var s = ""
        for _ in 0..<(1 + rng.int(maxLen)) {
            let c = pool[rng.int(pool.count)]
            s += rng.int(10) == 0 ? String(repeating: c, count: 2 + rng.int(6)) : c
        }
        return s
    }
}
