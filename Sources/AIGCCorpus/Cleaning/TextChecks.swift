import AIGCText
import AIGCCore

/// Small byte-level checks used by cleaning.
public enum TextChecks {
    /// True when the text has no visible content: only ASCII whitespace and Unicode space separators, format
    /// characters like zero-width spaces, or nothing at all.
    public static func isBlank(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                let c = p[i]
                if c < 0x80 {
                    if !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C) { return false }
                    i += 1
                    continue
                }
                let (s, l) = UTF8Bytes.decodeLenient(p, at: i)
                switch s {
                case 0x85, 0xA0, 0x1680, 0x2000...0x200D, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF: break
                default: return false
                }
                i += l
            }
            return true
        }
    }

    /// True for printable ASCII plus tab and newline: text the default normalizer (newlines, control removal,
    /// NFC/NFD/NFKC/NFKD) leaves unchanged, so normalization can be skipped.
    @inlinable
    public static func isPlainASCII(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in p where !((c >= 0x20 && c < 0x7F) || c == 0x0A || c == 0x09) { return false }
        return true
    }

    /// True when every scalar is printable ASCII, tab, newline, U+00A0–U+02FF (Latin-1 supplement to spacing
    /// modifiers: no combining marks, no canonical singletons, no composition pairs) or U+2010–U+2027 /
    /// U+2030–U+205E (dashes, quotes, ellipsis): such text is unchanged by NFC, newline rules and control-character
    /// removal. Expects valid UTF-8 (the parser repaired it).
    public static func isNFCStableLatin(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = p.count
        while i < n {
            let c = p[i]
            if c < 0x80 {
                if !((c >= 0x20 && c < 0x7F) || c == 0x0A || c == 0x09) { return false }
                i += 1
                continue
            }
            let (s, l) = UTF8Bytes.decodeLenient(p, at: i)
            switch s {
            case 0xA0...0x2FF, 0x2010...0x2027, 0x2030...0x205E: i += l
            default: return false
            }
        }
        return true
    }
}
