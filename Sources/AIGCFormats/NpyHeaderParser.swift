import AIGCCore

/// Parser for the Python dict literal in a `.npy` header, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
/// Only the grammar numpy writes is accepted: string keys; string, True/False, or tuple-of-int values.
struct NpyHeaderParser {
    var descr: String?
    var fortranOrder: Bool?
    var shape: [Int]?

    static func parse(_ text: String, fail: (String) -> AIGCError) throws -> NpyHeaderParser {
        var out = NpyHeaderParser()
        let s = Array(text.utf8)
        var i = 0
        func skipSpace() { while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x09 || s[i] == 0x0D { i += 1 } }
        func expect(_ c: UInt8) throws {
            skipSpace()
            guard i < s.count, s[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))' at header character \(i)") }
            i += 1
        }
        func string() throws -> String {
            skipSpace()
            guard i < s.count, s[i] == 0x27 || s[i] == 0x22 else { throw fail("expected a quoted string at header character \(i)") }
            let q = s[i]; i += 1
            let b = i
            while i < s.count, s[i] != q { i += 1 }
            guard i < s.count else { throw fail("unterminated string in header") }
            defer { i += 1 }
            return String(decoding: s[b..<i], as: UTF8.self)
        }
        func word() -> String {
            skipSpace()
            let b = i
            while i < s.count, (s[i] >= 0x41 && s[i] <= 0x5A) || (s[i] >= 0x61 && s[i] <= 0x7A) { i += 1 }
            return String(decoding: s[b..<i], as: UTF8.self)
        }
        try expect(0x7B)
        while true {
            skipSpace()
            if i < s.count, s[i] == 0x7D { i += 1; break }
            let key = try string()
            try expect(0x3A)
            switch key {
            case "descr": out.descr = try string()
            case "fortran_order":
                switch word() {
                case "True": out.fortranOrder = true
                case "False": out.fortranOrder = false
                default: throw fail("'fortran_order' must be True or False")
                }
            case "shape":
                try expect(0x28)
                var dims: [Int] = []
                while true {
                    skipSpace()
                    if i < s.count, s[i] == 0x29 { i += 1; break }
                    let b = i
                    while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 { i += 1 }
                    guard i > b, i - b <= 18, let d = Int(String(decoding: s[b..<i], as: UTF8.self)) else {
                        throw fail("'shape' must be a tuple of non-negative integers")
                    }
                    // numpy writes 'L' suffixes in old Python 2 files.
                    if i < s.count, s[i] == 0x4C { i += 1 }
                    dims.append(d)
                    skipSpace()
                    if i < s.count, s[i] == 0x2C { i += 1 }
                }
                out.shape = dims
            default:
                throw fail("unexpected header key '\(key)'")
            }
            skipSpace()
            if i < s.count, s[i] == 0x2C { i += 1; continue }
            try expect(0x7D)
            break
        }
        return out
    }
}
