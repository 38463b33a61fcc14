import Foundation
import Testing
@testable import AIGCText

/// Unicode's NormalizationTest.txt (15.0, the version of Debian's ICU 72), every line, all four forms, with the
/// invariants the file's header prescribes — run through the full pipeline (ASCII fast path, quick-check spans,
/// boundary-cut pieces), not just ICU directly.
@Suite struct NormalizationConformanceTests {
    static let fixture: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/NormalizationTest.txt")

    struct Case { var cols: [String]; var line: Int }

    static func load() throws -> (cases: [Case], part1: Set<UInt32>) {
        let text = try String(contentsOf: fixture, encoding: .utf8)
        var cases: [Case] = []
        var part1 = Set<UInt32>()
        var part = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if line.hasPrefix("@") { part = String(line.trimmingCharacters(in: .whitespaces)); continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).prefix(5)
            let cols = fields.map { f -> String in
                var s = String.UnicodeScalarView()
                for hex in f.split(separator: " ") { s.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!) }
                return String(s)
            }
            cases.append(Case(cols: cols, line: n + 1))
            if part == "@Part1" { part1.insert(cols[0].unicodeScalars.first!.value) }
        }
        return (cases, part1)
    }

    /// Normalizes many strings in one pipeline call: "\n" is a normalization boundary on both sides in every form.
    func normalizeAll(_ strings: [String], _ form: NormalizationForm) throws -> [String] {
        let joined = strings.joined(separator: "\n")
        let out = try TextNormalizer(steps: [.form(form)]).normalize(joined)
        return out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func everyLineAllForms() throws {
        let (cases, _) = try Self.load()
        #expect(cases.count > 19_000)
        var failures: [String] = []
        var col: [[String]] = Array(repeating: [], count: 5)
        for c in cases { for i in 0..<5 { col[i].append(c.cols[i]) } }
        var nf: [NormalizationForm: [[String]]] = [:]
        for form in [NormalizationForm.nfc, .nfd, .nfkc, .nfkd] {
            nf[form] = try (0..<5).map { try normalizeAll(col[$0], form) }
        }
        func check(_ form: NormalizationForm, _ sources: [Int], equal target: Int) {
            for (k, c) in cases.enumerated() {
                for s in sources where nf[form]![s][k] != c.cols[target] {
                    failures.append("line \(c.line): \(form)(c\(s + 1)) != c\(target + 1)")
                }
            }
        }
        // NFC: c2 == NFC(c1) == NFC(c2) == NFC(c3); c4 == NFC(c4) == NFC(c5)
        check(.nfc, [0, 1, 2], equal: 1); check(.nfc, [3, 4], equal: 3)
        // NFD: c3 == NFD(c1) == NFD(c2) == NFD(c3); c5 == NFD(c4) == NFD(c5)
        check(.nfd, [0, 1, 2], equal: 2); check(.nfd, [3, 4], equal: 4)
        // NFKC: c4 == NFKC(c1..c5); NFKD: c5 == NFKD(c1..c5)
        check(.nfkc, [0, 1, 2, 3, 4], equal: 3)
        check(.nfkd, [0, 1, 2, 3, 4], equal: 4)
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5))")
    }

    @Test func eachLineAloneMatchesBatch() throws {
        // A sample of lines normalized one call per string (no shared context at all).
        let (cases, _) = try Self.load()
        for c in cases.enumerated().filter({ $0.offset % 97 == 0 }).map(\.element) {
            #expect(try TextNormalizer(steps: [.form(.nfc)]).normalize(c.cols[0]) == c.cols[1], "line \(c.line)")
            #expect(try TextNormalizer(steps: [.form(.nfkd)]).normalize(c.cols[0]) == c.cols[4], "line \(c.line)")
        }
    }

    @Test func unlistedCodePointsAreInvariant() throws {
        // Header: "for every code point X assigned in this version of Unicode that is not specifically listed in
        // Part 1, the following invariants must be true for all conformant implementations: X == toNFC(X) ==
        // toNFD(X) == toNFKC(X) == toNFKD(X)". Checked over every scalar value (unassigned ones too: they are
        // invariant as well), space-separated in batches.
        let (_, part1) = try Self.load()
        var scalars: [String] = []
        for v in UInt32(0xA0)...0x10FFFF where !(0xD800...0xDFFF).contains(v) && !part1.contains(v) {
            scalars.append(String(Unicode.Scalar(v)!))
        }
        var failures = 0
        for form in [NormalizationForm.nfc, .nfd, .nfkc, .nfkd] {
            let batch = 50_000
            var i = 0
            while i < scalars.count {
                let slice = Array(scalars[i..<min(i + batch, scalars.count)])
                let out = try normalizeAll(slice, form)
                if out != slice { failures += zip(out, slice).filter { $0 != $1 }.count + (out.count == slice.count ? 0 : 1) }
                i += batch
            }
        }
        #expect(failures == 0)
    }

    @Test func nfkcCasefoldEqualsICUWholeText() throws {
        let (cases, _) = try Self.load()
        let text = cases.prefix(3000).map { $0.cols[0] + " ÀBC ẞ İstanbul Σ " + $0.cols[3] }.joined(separator: "\n")
        let viaPipeline = try TextNormalizer(steps: [.form(.nfkcCasefold)]).normalize(text)
        let direct = try NormalizationForm.nfkcCasefold.normalize(text)
        #expect(viaPipeline == direct)
    }
}
