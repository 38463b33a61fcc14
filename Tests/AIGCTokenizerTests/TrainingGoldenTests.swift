import AIGCCore
import AIGCText
import AIGCTokenizer
import Foundation
import Testing

/// Merges equal HF tokenizers' BpeTrainer on committed corpora (Fixtures/training/, golden files made by
/// Scripts/make_training_golden.py): English, Chinese, mixed scripts and emoji, code, adversarial whitespace and
/// ties; gpt2/cl100k/o200k/custom patterns; several vocabulary sizes, min_frequency values, max_token_length,
/// special tokens, an HF Lowercase normalizer and several files at once.
@Suite struct TrainingGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/training")

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String, files: [String], pattern: String, vocab: Int, minFrequency: UInt64
        var maxLength: Int?, specials: [String], hfVocab: Int, lowercase: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: root.appendingPathComponent("golden/cases.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(name: f[0], files: f[1].split(separator: ",").map { root.appendingPathComponent("\($0).txt").path },
                        pattern: f[2], vocab: Int(f[3])!, minFrequency: UInt64(f[4])!, maxLength: Int(f[5]),
                        specials: f[6].isEmpty ? [] : f[6].split(separator: "\u{1F}").map(String.init), hfVocab: Int(f[7])!,
                        lowercase: f.count > 8 && f[8] == "lowercase")
        }
    }()

    @Test func casesArePresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func mergesEqualHF(_ c: Case) throws {
        var t = BPETrainer(vocabSize: c.vocab)
        t.minFrequency = c.minFrequency
        t.maxTokenLength = c.maxLength
        t.specialTokens = c.specials
        t.threads = 2
        if c.lowercase { t.normalizer = TextNormalizer(steps: [.lowercase(locale: nil)]) }
        let run = try t.train(files: c.files, pattern: PreTokenizerPattern(trainingName: c.pattern))
        let r = run.trained.result
        let ours = r.merges.map { TrainingByteOrder.printable(r.tokens[Int($0.left)]) + " " + TrainingByteOrder.printable(r.tokens[Int($0.right)]) }
        let golden = try String(contentsOf: Self.root.appendingPathComponent("golden/\(c.name).merges"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(ours.count == golden.count)
        if let i = zip(ours, golden).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("\(c.name): first difference at merge \(i): ours '\(ours[i])' HF '\(golden[i])'")
        }
        #expect(r.tokens.count == c.hfVocab)
    }
}
