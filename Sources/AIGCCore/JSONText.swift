/// JSON text written by hand where the bytes must be deterministic (safetensors headers, manifests, tokenizer.json,
/// training outputs): key order and number formatting stay under our control, and nothing depends on Foundation's
/// encoder options (which reorder keys and escape `/`). Strings escape exactly what RFC 8259 requires.
package struct JSONText {
    package var out: [UInt8] = []

    package init() {}

    package mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { JSONText.appendString($0, to: &out) }
    }

    /// Appends `bytes` as a JSON string literal, quotes included: the project's one JSON string writer. Escapes what
    /// RFC 8259 requires (`"`, `\`, controls below U+0020, with the short forms for LF, CR and tab) and, with
    /// `escapingDelete`, U+007F too (rejects files, whose records may carry any byte). Invalid UTF-8 becomes U+FFFD
    /// per maximal invalid subpart, so the output is always valid JSON.
    package static func appendString(_ p: UnsafeBufferPointer<UInt8>, escapingDelete: Bool = false, to out: inout [UInt8]) {
        out.append(0x22)
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case 0x22: out.append(0x5C); out.append(0x22); i += 1
            case 0x5C: out.append(0x5C); out.append(0x5C); i += 1
            case 0x0A: out.append(0x5C); out.append(0x6E); i += 1
            case 0x0D: out.append(0x5C); out.append(0x72); i += 1
            case 0x09: out.append(0x5C); out.append(0x74); i += 1
            case 0..<0x20: appendUnicodeEscape(c, to: &out); i += 1
            case 0x7F where escapingDelete: appendUnicodeEscape(c, to: &out); i += 1
            case 0x20..<0x80: out.append(c); i += 1
            default:
                let (ok, len) = UTF8Bytes.validSequenceLength(p, at: i)
                if ok { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<(i + len)])) } else { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) }
                i += len
            }
        }
        out.append(0x22)
    }

    private static func appendUnicodeEscape(_ c: UInt8, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 15)]])
    }

    /// `s` as a JSON string literal, quotes included.
    package static func quote(_ s: String) -> String {
        var j = JSONText()
        j.string(s)
        return String(decoding: j.out, as: UTF8.self)
    }
}
