import AIGCCore
/// A normalization pipeline: invalid-UTF-8 handling followed by steps in order. A `Sendable` value: share it freely;
/// each call allocates its own ICU handles.
///
/// ```swift
/// let n = TextNormalizer(steps: [.newlines, .form(.nfkc), .lowercase(locale: nil)])
/// let out = try n.normalize("Ｈｅｌｌｏ\r\nWORLD")   // "hello\nworld"
/// ```
public struct TextNormalizer: Sendable, Equatable {
    public var steps: [NormalizationStep]
    public var invalidUTF8: InvalidUTF8Policy

    public init(steps: [NormalizationStep] = [], invalidUTF8: InvalidUTF8Policy = .replace) {
        self.steps = steps
        self.invalidUTF8 = invalidUTF8
    }

    /// True when every step can run chunk by chunk (cut at safe boundaries) with the same result as the whole text.
    public var isStreamable: Bool { !steps.contains { $0.isWholeText } }

    /// Normalizes raw bytes. `source` and `baseOffset` name the input in errors.
    public func normalize(bytes: [UInt8], trackOffsets: Bool = false, source: String = "", baseOffset: Int = 0,
                          stats: inout NormalizationStats) throws -> NormalizedText {
        var text = NormalizedText(original: bytes, trackOffsets: trackOffsets)
        stats.bytesIn += bytes.count
        // A pipeline that starts with a form checks UTF-8 validity in the form's own scan (one pass instead of two);
        // only invalid input takes the separate repair below and runs the form again on the repaired text.
        if case .form(let f)? = steps.first {
            let scratch = StepScratch()
            if let formed = try steps[0].applyForm(f, text, scratch, requireValid: true) {
                text = formed
                for step in steps.dropFirst() { text = try step.apply(text, stats: &stats, scratch: scratch) }
                stats.bytesOut += text.bytes.count
                return text
            }
        }
        var origin = text.origin
        let repaired = try bytes.withUnsafeBufferPointer {
            try UTF8Bytes.repair($0, policy: invalidUTF8, baseOffset: baseOffset, source: source, origin: &origin)
        }
        if let repaired {
            text.bytes = repaired.bytes
            text.origin = origin
            stats.invalidUTF8Replaced += repaired.replacements
        }
        if !steps.isEmpty {
            let scratch = StepScratch()
            for step in steps { text = try step.apply(text, stats: &stats, scratch: scratch) }
        }
        stats.bytesOut += text.bytes.count
        return text
    }

    /// `normalize(bytes:)` of bytes that lie in a larger buffer (a streamed chunk's piece), without alignment.
    /// Returns nil when the output equals the input, so the caller can pass the input on as it is. A pipeline that
    /// is one form (`aigc normalize --form F`, the common case) scans the bytes in place: no copy of the piece, no
    /// copy of its output when nothing changes. Any other pipeline copies the piece and runs `normalize(bytes:)`.
    func normalize(piece: UnsafeBufferPointer<UInt8>, source: String, baseOffset: Int,
                   stats: inout NormalizationStats) throws -> [UInt8]? {
        if steps.count == 1, case .form(let f) = steps[0] {
            switch try NormalizationStep.formScan(f, piece, origin: nil, StepScratch(), requireValid: true) {
            case .unchanged:
                stats.bytesIn += piece.count
                stats.bytesOut += piece.count
                return nil
            case .changed(let out):
                stats.bytesIn += piece.count
                stats.bytesOut += out.bytes.count
                return out.bytes
            case .invalid:
                break  // the repair of `invalidUTF8` below, on a copy
            }
        }
        return try normalize(bytes: Array(piece), source: source, baseOffset: baseOffset, stats: &stats).bytes
    }

    public func normalize(bytes: [UInt8], trackOffsets: Bool = false) throws -> NormalizedText {
        var stats = NormalizationStats()
        return try normalize(bytes: bytes, trackOffsets: trackOffsets, stats: &stats)
    }

    /// Normalizes a String (already valid Unicode).
    public func normalize(_ s: String) throws -> String {
        var stats = NormalizationStats()
        return try normalize(bytes: Array(s.utf8), stats: &stats).string
    }

    /// Normalizes a String and keeps the alignment to its UTF-8 bytes.
    public func normalizeWithOffsets(_ s: String) throws -> NormalizedText {
        var stats = NormalizationStats()
        return try normalize(bytes: Array(s.utf8), trackOffsets: true, stats: &stats)
    }
}
