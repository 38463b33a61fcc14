import AIGCCorpus
import AIGCText

/// Short, safe excerpts for findings: a window of the text around a byte offset, cut on UTF-8 boundaries, with
/// invisible characters made visible (`⟨U+202E⟩`, newlines as `⏎`) and personal data redacted, so a report never
/// re-publishes an e-mail address nor hides a bidi override.
public enum Excerpt {
    public static func around(_ text: UnsafeBufferPointer<UInt8>, offset: Int, before: Int = 32, after: Int = 64) -> String {
        let n = text.count
        guard n > 0 else { return "" }
        let at = min(max(offset, 0), n - 1)
        var lo = max(0, at - before)
        while lo > 0 && text[lo] & 0xC0 == 0x80 { lo -= 1 }
        var hi = min(n, at + after)
        while hi < n && text[hi] & 0xC0 == 0x80 { hi += 1 }
        let window = UnsafeBufferPointer(rebasing: text[lo..<hi])
        var redacted = Array(window)
        let matches = PIIScrubber().matches(in: window)
        for m in matches.reversed() {
            let original = Array(window[m.range])
            redacted.replaceSubrange(m.range, with: Array(redact(original).utf8))
        }
        var s = lo > 0 ? "…" : ""
        s += visible(redacted)
        if hi < n { s += "…" }
        return s
    }

    public static func around(_ text: [UInt8], offset: Int, before: Int = 32, after: Int = 64) -> String {
        text.withUnsafeBufferPointer { around($0, offset: offset, before: before, after: after) }
    }

    /// Keeps the first character of each alphanumeric run and every separator; masks the rest with `•`.
    public static func redact(_ bytes: [UInt8]) -> String {
        var out = ""
        var inRun = false
        for b in bytes {
            if b >= 0x80 {
                if b & 0xC0 != 0x80 { out += "•" }
                inRun = true
                continue
            }
            let alnum = (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
            if alnum {
                out += inRun ? "•" : String(UnicodeScalar(b))
                inRun = true
            } else {
                out += String(UnicodeScalar(b))
                inRun = false
            }
        }
        return out
    }

    /// Decodes (invalid bytes as U+FFFD) and shows control/format characters as `⟨U+XXXX⟩`, newline as `⏎`, tab as `⇥`.
    public static func visible(_ bytes: [UInt8]) -> String {
        var out = String.UnicodeScalarView()
        for u in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let v = u.value
            if v == 0x0A { out.append("⏎"); continue }
            if v == 0x09 { out.append("⇥"); continue }
            let cat = UnicodeInfo.category(v)
            if v < 0x20 || v == 0x7F || (v >= 0x80 && (cat == .control || cat == .format || cat == .lineSeparator || cat == .paragraphSeparator)) {
                let hex = String(v, radix: 16, uppercase: true)
                out.append(contentsOf: "⟨U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)⟩".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Token bytes as text: valid UTF-8 as is (made visible), other bytes as `\xNN`.
    public static func tokenText(_ bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return visible(Array(s.utf8)) }
        return bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
    }
}
