/// Fast decimal formatting of token ids.
public enum TokenIdText {
    public static func append(_ v: UInt32, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { b in
            while x > 0 { b[n] = 0x30 + UInt8(x % 10); x /= 10; n += 1 }
            while n > 0 { n -= 1; out.append(b[n]) }
        }
    }

    /// The ids separated by single spaces, then `\n`.
    public static func line(_ ids: some Collection<UInt32>, into out: inout [UInt8]) {
        for (k, id) in ids.enumerated() {
            if k > 0 { out.append(0x20) }
            append(id, to: &out)
        }
        out.append(0x0A)
    }
}
