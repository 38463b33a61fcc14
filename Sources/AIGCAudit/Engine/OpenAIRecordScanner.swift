import AIGCCorpus
import AIGCText
import AIGCCore

/// The common shape of an OpenAI-format record — `{"messages": [{"role": …, "content": "…"}, …]}` with string
/// contents, known roles and no other keys — read straight from the bytes, without building a JSON tree (one
/// allocation per turn: its content). Anything else (other keys such as `weight`, multi-part contents, `\u`
/// escapes, invalid UTF-8, control characters, duplicate keys, syntax errors) returns nil and the caller uses the
/// full `RecordParser`, so malformed records keep exactly its error messages and accounting. When it returns a
/// record, it is the record `RecordParser(format: .openai)` returns for the same bytes (tested side by side).
package enum OpenAIRecordScanner {
    /// The read position over one record's bytes. A struct with mutating methods rather than local functions
    /// around a captured `var`: a captured variable lives in a box whose every access pays a dynamic exclusivity
    /// check (`swift_beginAccess`, ~2% of a full audit's CPU when this was written so).
    struct Cursor {
        let p: UnsafeBufferPointer<UInt8>
        let n: Int
        var i = 0

        init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p; n = p.count }

        @inline(__always) mutating func ws() {
            while i < n {
                let c = p[i]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
            }
        }

        @inline(__always) mutating func expect(_ c: UInt8) -> Bool {
            if i < n && p[i] == c { i += 1; return true }
            return false
        }

        /// A string of plain ASCII (no escapes): its byte range, the quotes excluded.
        mutating func plain() -> Range<Int>? {
            guard expect(0x22) else { return nil }
            let s = i
            while i < n {
                let c = p[i]
                if c == 0x22 { i += 1; return s..<(i - 1) }
                if c == 0x5C || c < 0x20 || c >= 0x80 { return nil }
                i += 1
            }
            return nil
        }

        func equals(_ r: Range<Int>, _ word: StaticString) -> Bool {
            let w = word.utf8CodeUnitCount
            guard r.count == w else { return false }
            let base = word.utf8Start
            for k in 0..<w where p[r.lowerBound + k] != base[k] { return false }
            return true
        }

        /// A string value with only the short escapes; valid UTF-8 is copied as is.
        mutating func string() -> [UInt8]? {
            guard expect(0x22) else { return nil }
            var run = i
            while i < n {
                let c = p[i]
                if c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 { break }
                i += 1
            }
            if i < n && p[i] == 0x22 {
                let out = Array(UnsafeBufferPointer(rebasing: p[run..<i]))
                i += 1
                return out
            }
            var out: [UInt8] = []
            out.reserveCapacity(i - run + 16)
            while i < n {
                let c = p[i]
                if c == 0x22 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<i]))
                    i += 1
                    return out
                }
                if c < 0x20 { return nil }
                if c < 0x80 && c != 0x5C { i += 1; continue }
                if c >= 0x80 {
                    let (ok, len) = UTF8Bytes.validSequenceLength(p, at: i)
                    if !ok { return nil }
                    i += len
                    continue
                }
                // An escape.
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<i]))
                guard i + 1 < n else { return nil }
                switch p[i + 1] {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x2F: out.append(0x2F)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                default: return nil // \u and invalid escapes: the full parser
                }
                i += 2
                run = i
            }
            return nil
        }
    }

    package static func parse(_ p: UnsafeBufferPointer<UInt8>) -> Record? {
        var c = Cursor(p)
        c.ws()
        guard c.expect(0x7B) else { return nil }
        c.ws()
        guard let top = c.plain(), c.equals(top, "messages") else { return nil }
        c.ws()
        guard c.expect(0x3A) else { return nil }
        c.ws()
        guard c.expect(0x5B) else { return nil }
        var turns: [Turn] = []
        turns.reserveCapacity(16) // one allocation for most conversations, not one per doubling
        c.ws()
        if !c.expect(0x5D) {
            while true {
                c.ws()
                guard c.expect(0x7B) else { return nil }
                var role: Role? = nil
                var content: [UInt8]? = nil
                while true {
                    c.ws()
                    guard let k = c.plain() else { return nil }
                    c.ws()
                    guard c.expect(0x3A) else { return nil }
                    c.ws()
                    if c.equals(k, "role") {
                        guard role == nil, let r = c.plain() else { return nil }
                        if c.equals(r, "user") { role = .user }
                        else if c.equals(r, "assistant") { role = .assistant }
                        else if c.equals(r, "system") || c.equals(r, "developer") { role = .system }
                        else { return nil }
                    } else if c.equals(k, "content") {
                        guard content == nil, let s = c.string() else { return nil }
                        content = s
                    } else {
                        return nil
                    }
                    c.ws()
                    if c.expect(0x2C) { continue }
                    if c.expect(0x7D) { break }
                    return nil
                }
                guard let role, let content else { return nil }
                turns.append(Turn(role: role, content: content))
                c.ws()
                if c.expect(0x2C) { continue }
                if c.expect(0x5D) { break }
                return nil
            }
        }
        c.ws()
        guard c.expect(0x7D) else { return nil }
        c.ws()
        return c.i == c.n ? .conversation(turns) : nil
    }
}
