import AIGCCore
import Foundation

/// A strict RFC 8259 JSON parser over UTF-8 bytes, built for corpus records: no `Foundation` bridging, strings
/// unescaped straight into byte arrays, bounded nesting (hostile inputs cannot overflow the stack). Invalid UTF-8
/// inside strings and unpaired surrogate escapes do not fail the parse: they become U+FFFD and set
/// `sawInvalidUTF8`, so the caller decides (drop the record with reason `invalid_utf8`, or keep the repair).
package struct JSONParser {
    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset within the parsed bytes.
        public var offset: Int
        public var message: String
    }

    public static let maxDepth = 256

    private let p: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    public private(set) var sawInvalidUTF8 = false

    private init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    /// Parses one JSON value filling all of `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (value: JSONValue?, invalidUTF8: Bool, failure: Failure?) {
        var parser = JSONParser(bytes)
        do {
            parser.skipSpace()
            let v = try parser.value()
            parser.skipSpace()
            if parser.i != bytes.count { throw Failure(offset: parser.i, message: "unexpected data after the JSON value") }
            return (v, parser.sawInvalidUTF8, nil)
        } catch let f as Failure {
            return (nil, parser.sawInvalidUTF8, f)
        } catch {
            return (nil, parser.sawInvalidUTF8, Failure(offset: parser.i, message: "\(error)"))
        }
    }

    public static func parse(_ bytes: [UInt8]) -> (value: JSONValue?, invalidUTF8: Bool, failure: Failure?) {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    @inline(__always) private mutating func skipSpace() {
        while i < p.count {
            let c = p[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
    }

    private func fail(_ message: String) -> Failure { Failure(offset: i, message: message) }

    private mutating func value() throws -> JSONValue {
        guard i < p.count else { throw fail("unexpected end of JSON") }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character '\(Self.show(p[i]))' where a JSON value should start")
        }
    }

    private static func show(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : String(format: "\\x%02X", c)
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= p.count else { throw fail("truncated literal") }
        for k in 0..<n where p[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func number() throws -> Double {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < p.count, p[i] >= 0x30 && p[i] <= 0x39 else { throw fail("invalid number") }
        if p[i] == 0x30 { i += 1 } else { while i < p.count, p[i] >= 0x30 && p[i] <= 0x39 { i += 1 } }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < p.count, p[i] >= 0x30 && p[i] <= 0x39 else { throw fail("invalid number: digit expected after '.'") }
            while i < p.count, p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < p.count, p[i] >= 0x30 && p[i] <= 0x39 else { throw fail("invalid number: digit expected in exponent") }
            while i < p.count, p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        guard let d = Double(text) else { throw Failure(offset: start, message: "invalid number") }
        return d
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw fail("JSON nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        i += 1
        var members: [JSONMember] = []
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of JSON in object") }
            guard p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key in object") }
            let key = try keyString()
            skipSpace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after object key") }
            i += 1
            skipSpace()
            members.append(JSONMember(key: key, value: try value()))
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of JSON in object") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}' in object")
        }
    }

    private mutating func array() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of JSON in array") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']' in array")
        }
    }

    @inline(__always) private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= p.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = Self.hexValue(p[i + k]) else { throw fail("invalid \\u escape") }
            v = v << 4 | h
        }
        i += 4
        return v
    }

    /// A key: plain ASCII keys become a `String` straight from the input bytes (no intermediate array).
    private mutating func keyString() throws -> String {
        var j = i + 1
        while j < p.count {
            let c = p[j]
            if c == UInt8(ascii: "\"") {
                let key = String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)..<j]), as: UTF8.self)
                i = j + 1
                return key
            }
            if c == UInt8(ascii: "\\") || c >= 0x80 || c < 0x20 { break }
            j += 1
        }
        return String(decoding: try string(), as: UTF8.self)
    }

    private mutating func string() throws -> [UInt8] {
        i += 1
        let start = i
        // Fast path: no escapes, all ASCII.
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let out = Array(UnsafeBufferPointer(rebasing: p[start..<i]))
                i += 1
                return out
            }
            if c == UInt8(ascii: "\\") || c >= 0x80 || c < 0x20 { break }
            i += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; return out }
            if c < 0x20 { throw fail("unescaped control character in string") }
            if c < 0x80 && c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            if c >= 0x80 {
                let (ok, len) = UTF8Bytes.validSequenceLength(p, at: i)
                if ok {
                    for k in 0..<len { out.append(p[i + k]) }
                } else {
                    sawInvalidUTF8 = true
                    out.append(0xEF); out.append(0xBF); out.append(0xBD)
                }
                i += len
                continue
            }
            i += 1
            guard i < p.count else { throw fail("truncated escape") }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var u = try hex4()
                if u >= 0xD800 && u < 0xDC00 {
                    if i + 6 <= p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
                        let save = i
                        i += 2
                        let lo = try hex4()
                        if lo >= 0xDC00 && lo < 0xE000 {
                            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                        } else {
                            i = save
                            sawInvalidUTF8 = true
                            u = 0xFFFD
                        }
                    } else {
                        sawInvalidUTF8 = true
                        u = 0xFFFD
                    }
                } else if u >= 0xDC00 && u < 0xE000 {
                    sawInvalidUTF8 = true
                    u = 0xFFFD
                }
                UTF8Bytes.append(u, to: &out)
            default:
                i -= 1
                throw fail("invalid escape '\\\(Self.show(e))'")
            }
        }
        throw fail("unterminated string")
    }
}
