/// One step of a normalization pipeline. Steps run in order; each is a pure function of its input text.
public enum NormalizationStep: Sendable, Equatable {
    /// Unicode normalization form (NFC, NFD, NFKC, NFKD, NFKC_Casefold) through ICU.
    case form(NormalizationForm)
    /// ICU full lowercase mapping; `locale` such as "tr" selects language-specific rules (nil/"" = root).
    case lowercase(locale: String?)
    /// ICU full case folding; `turkic` selects the Turkic mappings of I/İ.
    case caseFold(turkic: Bool)
    /// Strip accents: decompose (NFD), drop nonspacing marks (Mn), recompose (NFC).
    case stripAccents
    /// Drop nonspacing marks (Mn) without decomposing: HF `StripAccents` (meant to follow NFD/NFKD).
    case removeNonspacingMarks
    /// Remove control characters (Cc) except `\t` and `\n`.
    case removeControl
    /// Format characters (Cf: zero-width, bidi overrides/isolates/marks, BOM, soft hyphen, …): remove them or only
    /// count them. Removal keeps ZWJ and tag characters inside emoji sequences.
    case formatCharacters(FormatCharacterMode)
    /// Whitespace rules: map every Unicode space separator (Zs) to U+0020; collapse runs of horizontal whitespace
    /// to one space; trim horizontal whitespace at both ends of every line.
    case whitespace(mapSpaces: Bool, collapse: Bool, trimLines: Bool)
    /// Newline rules: CRLF, CR, U+0085, U+2028, U+2029 → `\n`.
    case newlines
    /// ICU transliteration by transform ID (e.g. "Traditional-Simplified", "Any-Latin; Latin-ASCII"), per line.
    case transliterate(id: String)
    /// HF `Replace`: every non-overlapping match of `pattern` (a literal or an ICU regex) becomes `content`.
    case replace(pattern: ReplacePattern, content: String)
    /// HF `Strip`: remove White_Space at the start and/or end of the whole text.
    case strip(left: Bool, right: Bool)
    /// HF `Prepend`: prefix non-empty text with a string.
    case prepend(String)

    /// True when the step looks at the whole text (not streamable chunk by chunk).
    var isWholeText: Bool {
        switch self {
        case .strip, .prepend: return true
        default: return false
        }
    }
}

public enum FormatCharacterMode: String, Sendable, Codable, Equatable {
    case remove, report
}

public enum ReplacePattern: Sendable, Equatable {
    case literal(String)
    case regex(String)
}

/// Counters of what a normalization changed or found.
public struct NormalizationStats: Sendable, Equatable, Codable {
    public var bytesIn = 0
    public var bytesOut = 0
    public var invalidUTF8Replaced = 0
    public var controlRemoved = 0
    public var bidiFound = 0
    public var zeroWidthFound = 0
    public var bomFound = 0
    public var otherFormatFound = 0
    public var formatRemoved = 0
    public var replacements = 0

    public init() {}

    public mutating func add(_ o: NormalizationStats) {
        bytesIn += o.bytesIn; bytesOut += o.bytesOut; invalidUTF8Replaced += o.invalidUTF8Replaced
        controlRemoved += o.controlRemoved; bidiFound += o.bidiFound; zeroWidthFound += o.zeroWidthFound
        bomFound += o.bomFound; otherFormatFound += o.otherFormatFound; formatRemoved += o.formatRemoved
        replacements += o.replacements
    }

    enum CodingKeys: String, CodingKey {
        case bytesIn = "bytes_in", bytesOut = "bytes_out", invalidUTF8Replaced = "invalid_utf8_replaced"
        case controlRemoved = "control_removed", bidiFound = "bidi_found", zeroWidthFound = "zero_width_found"
        case bomFound = "bom_found", otherFormatFound = "other_format_found", formatRemoved = "format_removed"
        case replacements
    }
}

/// Classes of format characters, for reporting and audits.
public enum FormatCharacterClass: Sendable {
    case bidi, zeroWidth, bom, other

    /// The class of a Cf code point, or nil when `c` is not a format character.
    @inlinable public static func of(_ c: UInt32) -> FormatCharacterClass? {
        switch c {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return .bidi
        case 0x200B, 0x200C, 0x200D, 0x2060: return .zeroWidth
        case 0xFEFF: return .bom
        default:
            if c < 0xAD { return nil }
            return UnicodeInfo.category(c) == .format ? .other : nil
        }
    }
}
