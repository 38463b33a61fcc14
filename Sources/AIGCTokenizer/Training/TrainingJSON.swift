/// Minimal JSON text writing for the training outputs: key order and number formatting under our control, so
/// the files are byte-identical across runs and thread counts (Foundation's serializer reorders keys and
/// escapes `/`).
package enum TrainingJSON {
    /// `s` as a JSON string literal (quotes included), escaping what RFC 8259 requires.
    package static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
