/// Table-driven standard base64 decoding (the `.tiktoken` format), strict: bad characters or lengths are errors.
enum Base64 {
    /// 0…63 for alphabet characters, 0xFF otherwise.
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Decodes `src` (with `=` padding) appending to `out`; returns false when it is not valid base64.
    @inline(__always)
    static func decode(_ src: UnsafeBufferPointer<UInt8>, table t: UnsafePointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var n = src.count
        if n == 0 || n % 4 != 0 { return false }
        var pad = 0
        if src[n - 1] == UInt8(ascii: "=") { pad += 1; if src[n - 2] == UInt8(ascii: "=") { pad += 1 } }
        n -= pad
        var i = 0
        while i + 4 <= n {
            let a = t[Int(src[i])], b = t[Int(src[i + 1])], c = t[Int(src[i + 2])], d = t[Int(src[i + 3])]
            if (a | b | c | d) & 0xC0 != 0 { return false }
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out.append(UInt8(truncatingIfNeeded: v >> 16))
            out.append(UInt8(truncatingIfNeeded: v >> 8))
            out.append(UInt8(truncatingIfNeeded: v))
            i += 4
        }
        let rest = n - i
        if rest == 2 {
            let a = t[Int(src[i])], b = t[Int(src[i + 1])]
            if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return false }
            out.append(a << 2 | b >> 4)
        } else if rest == 3 {
            let a = t[Int(src[i])], b = t[Int(src[i + 1])], c = t[Int(src[i + 2])]
            if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return false }
            out.append(a << 2 | b >> 4)
            out.append(b << 4 | c >> 2)
        } else if rest != 0 {
            return false
        }
        return true
    }

    static func encode(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        var it = bytes.makeIterator()
        while let a = it.next() {
            let b = it.next(), c = it.next()
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 3) << 4 | (b ?? 0) >> 4)])
            out.append(b == nil ? UInt8(ascii: "=") : alphabet[Int(((b ?? 0) & 15) << 2 | (c ?? 0) >> 6)])
            out.append(c == nil ? UInt8(ascii: "=") : alphabet[Int((c ?? 0) & 63)])
        }
    }
}
