import AIGCCore

/// Finds the elements of a top-level JSON array incrementally, without parsing them, so a multi-gigabyte
/// ShareGPT-style `[{…},{…}]` file streams in bounded memory. Each element becomes one raw record (parsed and
/// validated later, where a bad element is dropped with a reason like any bad JSONL line).
public struct JSONArraySplitter: Sendable {
    public enum Step: Equatable {
        case element(Range<Int>, line: Int)
        case needMore
        case end
    }

    private enum Phase { case beforeArray, beforeElement, afterElement, inElement, done }
    private var phase = Phase.beforeArray
    private var pos = 0
    private var line = 1
    private var elementStart = 0
    private var elementLine = 1
    private var depth = 0
    private var inString = false
    private var escape = false
    private var scalar = false

    public init() {}

    /// The caller dropped `n` bytes from the front of its buffer.
    public mutating func shift(by n: Int) {
        pos -= n
        elementStart -= n
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    public mutating func next(_ buf: [UInt8], from: Int, eof: Bool, source: String) throws -> Step {
        if pos < from { pos = from }
        let n = buf.count
        while true {
            if pos >= n {
                if !eof { return .needMore }
                switch phase {
                case .done: return .end
                case .beforeArray: return .end
                case .inElement where scalar && depth == 0:
                    phase = .afterElement
                    return .element(elementStart..<pos, line: elementLine)
                default:
                    throw AIGCError.input(location: "\(source):\(line)", message: "JSON array is not closed (unexpected end of file)")
                }
            }
            let c = buf[pos]
            switch phase {
            case .beforeArray:
                if c == UInt8(ascii: "[") { phase = .beforeElement }
                else if c == 0xEF || c == 0xBB || c == 0xBF || Self.isSpace(c) {} // BOM and blanks
                else { throw AIGCError.input(location: "\(source):\(line)", message: "expected '[' to open a JSON array") }
                if c == 0x0A { line += 1 }
                pos += 1
            case .beforeElement, .afterElement:
                if c == 0x0A { line += 1 }
                if Self.isSpace(c) { pos += 1; continue }
                if c == UInt8(ascii: "]") { phase = .done; pos += 1; continue }
                if c == UInt8(ascii: ",") {
                    if phase == .beforeElement { throw AIGCError.input(location: "\(source):\(line)", message: "unexpected ',' in JSON array") }
                    phase = .beforeElement; pos += 1; continue
                }
                if phase == .afterElement { throw AIGCError.input(location: "\(source):\(line)", message: "expected ',' or ']' between JSON array elements") }
                phase = .inElement
                elementStart = pos
                elementLine = line
                depth = 0; inString = false; escape = false
                scalar = !(c == UInt8(ascii: "{") || c == UInt8(ascii: "["))
            case .inElement:
                if inString {
                    if c == 0x0A { line += 1 }
                    if escape { escape = false }
                    else if c == UInt8(ascii: "\\") { escape = true }
                    else if c == UInt8(ascii: "\"") {
                        inString = false
                        if scalar && depth == 0 { pos += 1; phase = .afterElement; return .element(elementStart..<pos, line: elementLine) }
                    }
                    pos += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if scalar && depth == 0 {
                        phase = .afterElement
                        return .element(elementStart..<pos, line: elementLine)
                    }
                    depth -= 1
                    if depth == 0 && !scalar {
                        pos += 1
                        phase = .afterElement
                        return .element(elementStart..<pos, line: elementLine)
                    }
                case UInt8(ascii: ","):
                    if scalar && depth == 0 {
                        phase = .afterElement
                        return .element(elementStart..<pos, line: elementLine)
                    }
                default:
                    if scalar && depth == 0 && Self.isSpace(c) {
                        phase = .afterElement
                        return .element(elementStart..<pos, line: elementLine)
                    }
                }
                if c == 0x0A { line += 1 }
                pos += 1
            case .done:
                if c == 0x0A { line += 1 }
                if !Self.isSpace(c) { throw AIGCError.input(location: "\(source):\(line)", message: "unexpected data after the closing ']' of the JSON array") }
                pos += 1
            }
        }
    }
}
