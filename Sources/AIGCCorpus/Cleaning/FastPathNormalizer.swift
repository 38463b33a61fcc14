import AIGCText

/// A `TextNormalizer` that skips texts it provably leaves unchanged: printable ASCII when no step can change it
/// (forms other than NFKC_Casefold, newline, control and format-character rules), and Latin text with typographic
/// punctuation (`TextChecks.isNFCStableLatin`) under exactly the default steps (newlines, control removal, NFC).
/// The corpus builder's `RecordCleaner` and the audit both normalize through it, so they take the same fast paths.
package struct FastPathNormalizer: Sendable {
    package let normalizer: TextNormalizer
    let asciiInvariant: Bool
    let latinInvariant: Bool

    package init(_ normalizer: TextNormalizer) {
        self.normalizer = normalizer
        latinInvariant = !normalizer.steps.isEmpty && normalizer.steps.allSatisfy { step in
            switch step {
            case .form(let f): return f == .nfc
            case .newlines, .removeControl: return true
            default: return false
            }
        }
        asciiInvariant = normalizer.steps.allSatisfy { step in
            switch step {
            case .form(let f): return f != .nfkcCasefold
            case .newlines, .removeControl, .formatCharacters: return true
            default: return false
            }
        }
    }

    /// The normalized text of valid UTF-8 `text`, or nil when it is certainly unchanged (no normalizer run and no
    /// comparison needed). A normalizer failure (e.g. a regex step over ICU's limits) is thrown, never hidden.
    package func normalize(_ text: [UInt8]) throws -> [UInt8]? {
        if normalizer.steps.isEmpty { return nil }
        if latinInvariant && text.withUnsafeBufferPointer({ TextChecks.isNFCStableLatin($0) }) { return nil }
        if asciiInvariant && text.withUnsafeBufferPointer({ TextChecks.isPlainASCII($0) }) { return nil }
        var stats = NormalizationStats()
        return try normalizer.normalize(bytes: text, stats: &stats).bytes
    }
}
