import AIGCCorpus
import AIGCText
import AIGCTokenizer

/// Read-only state shared by all workers.
final class AuditContext: Sendable {
    let options: AuditOptions
    let paths: [String]
    let parser: RecordParser
    let tokenizer: Tokenizer?
    /// Byte length of every ordinary and special token id (0 for unused ids).
    let tokenLengths: [UInt16]
    let minhasher: MinHasher
    let scrubber = PIIScrubber()
    /// The evaluation items' n-grams (`--against`) and, per item, its location and excerpt for the report.
    let evalIndex: NGramIndex?
    let evalItems: [ContaminationItem]
    let asciiInvariant: Bool
    /// Exactly newline rules, control removal and NFC (the default, as the corpus builder's `RecordCleaner` tests
    /// it): Latin text with typographic punctuation (`TextChecks.isNFCStableLatin`) skips the normalizer too.
    let latinInvariant: Bool

    init(options: AuditOptions, evalIndex: NGramIndex?, evalItems: [ContaminationItem]) {
        self.options = options
        paths = options.inputs
        parser = RecordParser(format: options.inputFormat, textField: options.textField)
        var tok = options.tokenizer
        tok?.threads = 1 // parallelism is across records
        tokenizer = tok
        if let tok {
            tokenLengths = (0..<tok.vocabularySize).map { UInt16(clamping: tok.tokenBytes(UInt32($0))?.count ?? 0) }
        } else {
            tokenLengths = []
        }
        minhasher = MinHasher(shingleSize: options.shingleSize, bands: options.bands, rows: options.rows)
        self.evalIndex = evalIndex
        self.evalItems = evalItems
        latinInvariant = !options.normalizer.steps.isEmpty && options.normalizer.steps.allSatisfy { step in
            switch step {
            case .form(let f): return f == .nfc
            case .newlines, .removeControl: return true
            default: return false
            }
        }
        asciiInvariant = options.normalizer.steps.allSatisfy { step in
            switch step {
            case .form(let f): return f != .nfkcCasefold
            case .newlines, .removeControl, .formatCharacters: return true
            default: return false
            }
        }
    }

    /// The configured normalization (printable ASCII skips it when every step leaves it unchanged); `changed` is
    /// false when the result is the input itself (no comparison needed). A normalizer failure is thrown: the
    /// worker counts it as a `normalization_failed` finding rather than passing the raw text off as normalized.
    func normalize(_ text: [UInt8]) throws -> (bytes: [UInt8], changed: Bool) {
        if options.normalizer.steps.isEmpty { return (text, false) }
        if asciiInvariant && text.withUnsafeBufferPointer({ TextChecks.isPlainASCII($0) }) { return (text, false) }
        // Valid UTF-8 here (the fast OpenAI reader takes only valid text; the parser repaired the rest).
        if latinInvariant && text.withUnsafeBufferPointer({ TextChecks.isNFCStableLatin($0) }) { return (text, false) }
        var stats = NormalizationStats()
        let out = try options.normalizer.normalize(bytes: text, stats: &stats).bytes
        return (out, out != text)
    }
}
