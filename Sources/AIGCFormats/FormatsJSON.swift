/// Minimal JSON text helpers for the headers this module writes itself (safetensors, manifests), where the byte
/// layout must be deterministic and independent of Foundation's encoder options.
package enum FormatsJSON {
    /// A JSON string literal for `s`, escaping quotes, backslashes and control characters (RFC 8259).
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
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
        return out
    }
}
