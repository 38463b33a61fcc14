import AIGCCore
/// Splits UTF-8 text into words and hashes them, for shingling (MinHash 5-grams) and decontamination 13-grams.
/// A word is a maximal run of letters/digits: ASCII alphanumerics (lowercased) and any non-ASCII scalar except
/// common Unicode punctuation and spaces; so "Hello, world!" and "hello world" give the same words.
public enum WordHasher {
    /// Calls `body` with the 64-bit hash of each word, in order.
    @inlinable
    public static func forEachWord(_ text: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        let n = text.count
        var i = 0
        var h: UInt64 = 0
        var inWord = false
        var len = 0
        while i < n {
            let c = text[i]
            var isWord: Bool
            var step = 1
            var unit: UInt64
            if c < 0x80 {
                isWord = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A)
                unit = UInt64(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
            } else {
                let (scalar, l) = UTF8Bytes.decodeLenient(text, at: i)
                step = l
                isWord = !isSeparatorScalar(scalar)
                unit = UInt64(scalar)
            }
            if isWord {
                h = (h ^ unit) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
                inWord = true
                len += 1
            } else if inWord {
                body(StableHash.scramble(h ^ UInt64(len)))
                h = 0; len = 0; inWord = false
            }
            i += step
        }
        if inWord { body(StableHash.scramble(h ^ UInt64(len))) }
    }

    /// General punctuation, CJK punctuation, fullwidth forms' punctuation, and Unicode spaces.
    @inlinable
    public static func isSeparatorScalar(_ s: UInt32) -> Bool {
        switch s {
        case 0x80...0xBF: return s != 0xAA && s != 0xB5 && s != 0xBA && s != 0xB2 && s != 0xB3 && s != 0xB9 && s != 0xBC && s != 0xBD && s != 0xBE
        case 0xD7, 0xF7: return true
        case 0x2000...0x206F: return true // General Punctuation (incl. spaces, zero-width, bidi)
        case 0x3000...0x303F: return true // CJK symbols and punctuation
        case 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return true
        case 0xFE10...0xFE1F, 0xFE30...0xFE4F, 0xFEFF: return true
        case 0xFFFD: return true
        default: return false
        }
    }
}

import AIGCText

extension UTF8Bytes {
    /// Decodes a scalar at `i`, tolerating truncation at the end of the buffer (returns U+FFFD and length 1).
    @inlinable @inline(__always)
    public static func decodeLenient(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let need = sequenceLength(lead: p[i])
        if i + need > p.count || p[i] & 0xC0 == 0x80 { return (0xFFFD, 1) }
        return decode(p, at: i)
    }
}
