/// Minimal JSON string escaping over bytes (for rejects.jsonl lines written without Foundation round trips).
/// Invalid UTF-8 in the input becomes U+FFFD so the output line is always valid JSON.
public enum JSONWriter {
    public static func appendString(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        let arr = Array(bytes)
        arr.withUnsafeBufferPointer { p in
            var i = 0
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            while i < p.count {
                let c = p[i]
                switch c {
                case 0x22: out.append(0x5C); out.append(0x22); i += 1
                case 0x5C: out.append(0x5C); out.append(0x5C); i += 1
                case 0x0A: out.append(0x5C); out.append(0x6E); i += 1
                case 0x0D: out.append(0x5C); out.append(0x72); i += 1
                case 0x09: out.append(0x5C); out.append(0x74); i += 1
                case 0..<0x20, 0x7F:
                    out.append(contentsOf: Array("\\u00".utf8)); out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
                    i += 1
                case 0x20..<0x7F: out.append(c); i += 1
                default:
                    let r = UTF8Check.validSequenceLength(p, at: i)
                    if r.0 { for k in 0..<r.1 { out.append(p[i + k]) } } else { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) }
                    i += r.1
                }
            }
        }
        out.append(0x22)
    }
}
