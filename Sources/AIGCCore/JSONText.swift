/// JSON text written by hand where the bytes must be deterministic (safetensors headers, manifests, training
/// outputs): key order and number formatting stay under our control, and nothing depends on Foundation's encoder
/// options (which reorder keys and escape `/`).
package enum JSONText {
    /// `s` as a JSON string literal (quotes included), escaping what RFC 8259 requires (and DEL).
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
