/// GPT-2's reversible byte ↔ Unicode mapping (`bytes_to_unicode`), used by HF `ByteLevel` vocabularies: printable
/// bytes map to themselves, the other 68 to U+0100… in byte order.
public enum ByteLevelAlphabet {
    /// Code point of each byte.
    public static let scalarOfByte: [UInt32] = {
        var out = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                out[b] = UInt32(b)
            } else {
                out[b] = 256 + n
                n += 1
            }
        }
        return out
    }()

    /// Byte of each code point below 0x144, or -1.
    public static let byteOfScalar: [Int16] = {
        var out = [Int16](repeating: -1, count: 0x144)
        for b in 0..<256 { out[Int(scalarOfByte[b])] = Int16(b) }
        return out
    }()

    /// The byte-level string of raw bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(scalarOfByte[Int(b)])!) }
        return String(s)
    }

    /// Raw bytes of a byte-level string, or nil if a character is outside the alphabet.
    public static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            let v = Int(u.value)
            guard v < byteOfScalar.count, byteOfScalar[v] >= 0 else { return nil }
            out.append(UInt8(byteOfScalar[v]))
        }
        return out
    }
}
