/// JSON text written by hand where the bytes must be deterministic (safetensors headers, manifests, tokenizer.json,
/// training outputs): key order and number formatting stay under our control, and nothing depends on Foundation's
/// encoder options (which reorder keys and escape `/`). Strings escape exactly what RFC 8259 requires.
package struct JSONText {
    package var out: [UInt8] = []

    package init() {}

    package mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    package mutating func string(_ s: String) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// `s` as a JSON string literal, quotes included.
    package static func quote(_ s: String) -> String {
        var j = JSONText()
        j.string(s)
        return String(decoding: j.out, as: UTF8.self)
    }
}
