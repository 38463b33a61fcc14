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
    /// The configured normalization with the corpus builder's fast paths.
    let normalizer: FastPathNormalizer

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
        normalizer = FastPathNormalizer(options.normalizer)
    }

    /// The configured normalization (skipped where `FastPathNormalizer` knows the text unchanged); `changed` is
    /// false when the result is the input itself (no comparison needed). Valid UTF-8 here (the fast OpenAI reader
    /// takes only valid text; the parser repaired the rest). A normalizer failure is thrown: the worker counts it
    /// as a `normalization_failed` finding rather than passing the raw text off as normalized.
    func normalize(_ text: [UInt8]) throws -> (bytes: [UInt8], changed: Bool) {
        guard let out = try normalizer.normalize(text) else { return (text, false) }
        return (out, out != text)
    }
}
