import AIGCCore
import Foundation
import CICU

/// Pre-tokenization by any regex through ICU's engine. Pre-tokens are the matches and, with `.isolated` (HF
/// `Split(behavior: "Isolated")`, the default), also the non-empty gaps between them; `.matchesOnly` drops the gaps
/// as tiktoken does. `\s` and `\S` are rewritten to the Unicode `White_Space` property, which is what tiktoken (Rust
/// regex) and HF (Oniguruma) mean by them (ICU's own `\s` lacks U+000B and U+0085).
public final class RegexPreTokenizer: PreTokenizer, @unchecked Sendable {
    public enum Behavior: String, Sendable { case isolated, matchesOnly, removed, mergedWithPrevious, mergedWithNext, contiguous }

    public let pattern: String
    public let behavior: Behavior
    public let invert: Bool
    /// The compiled pattern, never matched directly (not thread-safe): each `split` clones it.
    private let compiled: OpaquePointer
    private let firstFailure = FailureBox()

    public var failure: AIGCError? { firstFailure.error as? AIGCError }

    private func record(_ e: AIGCError) { firstFailure.set(e) }

    public init(pattern: String, behavior: Behavior = .isolated, invert: Bool = false, caseInsensitive: Bool = false) throws {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
        let translated = Array(RegexPreTokenizer.translate(pattern).utf16)
        var err: Int32 = 0, off: Int32 = -1
        guard let re = cicu_regex_open(translated, Int32(translated.count), caseInsensitive ? 2 : 0, &err, &off) else {
            throw AIGCError.usage("invalid pre-tokenizer regex \(pattern.debugDescription) (ICU error \(err) at offset \(off))")
        }
        compiled = re
    }

    deinit { cicu_regex_close(compiled) }

    /// Rewrites `\s`/`\S` outside and inside character classes to the White_Space property.
    static func translate(_ p: String) -> String {
        var out = ""
        var it = Array(p.unicodeScalars)[...]
        var inClass = 0
        while let c = it.popFirst() {
            if c == "\\", let d = it.popFirst() {
                switch d {
                case "s": out += inClass > 0 ? "\\p{White_Space}" : "[\\p{White_Space}]"
                case "S": out += inClass > 0 ? "\\P{White_Space}" : "[^\\p{White_Space}]"
                default: out.unicodeScalars.append(c); out.unicodeScalars.append(d)
                }
                continue
            }
            if c == "[" { inClass += 1 } else if c == "]" && inClass > 0 { inClass -= 1 }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// Rewrites Oniguruma's `X{m,n}+` (a repeated bounded repeat, not possessive) to `(?:X{m,n})+` for ICU, where
    /// X is `\p{…}`, `\P{…}`, a `[…]` class or one escaped or plain character.
    public static func onigRepeat(_ p: String) -> String {
        guard p.contains("}+") else { return p }
        let s = Array(p.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var atomStart: [Int] = []  // start offsets in `out` of each atom
        var groups: [Int] = []
        var i = 0
        var inClass = 0
        while i < s.count {
            let c = s[i]
            if inClass == 0 && c == "{" , let close = s[i...].firstIndex(of: "}"),
               s[(i + 1)..<close].allSatisfy({ ("0"..."9").contains($0) || $0 == "," }),
               close + 1 < s.count, s[close + 1] == "+", let a = atomStart.last {
                let atom = Array(out[a...])
                out.removeSubrange(a...)
                out += Array("(?:".unicodeScalars) + atom + Array(s[i...close]) + Array(")+".unicodeScalars)
                i = close + 2
                continue
            }
            if inClass == 0 {
                if c == "(" { groups.append(out.count) }
                if c == ")", let g = groups.popLast() { atomStart.append(g) } else { atomStart.append(out.count) }
            }
            if c == "\\", i + 1 < s.count {
                out.append(c); out.append(s[i + 1]); i += 2
                if (s[i - 1] == "p" || s[i - 1] == "P"), i < s.count, s[i] == "{", let close = s[i...].firstIndex(of: "}") {
                    out += s[i...close]; i = close + 1
                }
                continue
            }
            if c == "[" { inClass += 1 } else if c == "]" && inClass > 0 { inClass -= 1 }
            out.append(c)
            i += 1
        }
        var r = String.UnicodeScalarView()
        r.append(contentsOf: out)
        return String(r)
    }

    /// Match ranges in UTF-8 byte offsets.
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        // UTF-16 copy and the byte offset of every UTF-16 unit (plus the end).
        var u16: [UInt16] = []
        var byteAt: [Int] = []
        u16.reserveCapacity(text.count)
        byteAt.reserveCapacity(text.count + 1)
        let t = ScanText(text)
        var i = 0
        while i < t.n {
            var (c, l) = t.decode(i)
            if c == 0xFFFF_FFFF { c = 0xFFFD }
            if c >= 0x10000 {
                u16.append(UInt16(0xD800 + ((c - 0x10000) >> 10))); byteAt.append(i)
                u16.append(UInt16(0xDC00 + ((c - 0x10000) & 0x3FF))); byteAt.append(i)
            } else {
                u16.append(UInt16(c)); byteAt.append(i)
            }
            i += l
        }
        byteAt.append(t.n)
        var err: Int32 = 0
        guard let re = cicu_regex_clone(compiled, &err) else {
            record(AIGCError.io("pre-tokenizer regex \(pattern.debugDescription): cannot clone (ICU \(String(cString: cicu_error_name(err))))"))
            return []
        }
        defer { cicu_regex_close(re) }
        var out: [Range<Int>] = []
        u16.withUnsafeBufferPointer { u in
            let set = cicu_regex_set_text(re, u.baseAddress, Int32(u.count))
            guard set == 0 else {
                record(AIGCError.io("pre-tokenizer regex \(pattern.debugDescription): ICU \(String(cString: cicu_error_name(set)))"))
                return
            }
            var a: Int32 = 0, b: Int32 = 0
            while true {
                let rc = cicu_regex_find_next(re, &a, &b)
                if rc == 0 { break }
                if rc < 0 {
                    let why = cicu_regex_limit_exceeded(rc) != 0 ? "exceeded ICU's match time/stack limit (catastrophic backtracking?); simplify the pattern"
                        : "failed (ICU \(String(cString: cicu_error_name(rc))))"
                    let at = out.last?.upperBound ?? 0
                    record(AIGCError.input(location: "pre-tokenizer regex \(pattern.debugDescription)", message: "\(why), in a text of \(text.count) bytes after byte \(at)"))
                    break
                }
                if b > a { out.append(byteAt[Int(a)]..<byteAt[Int(b)]) }
            }
        }
        return out
    }

    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let ms = matches(text)
        if behavior == .matchesOnly && !invert {
            for m in ms { body(m) }
            return
        }
        // (range, isMatch) covering the text, HF `Split` semantics.
        var parts: [(Range<Int>, Bool)] = []
        var last = 0
        for m in ms {
            if m.lowerBound > last { parts.append((last..<m.lowerBound, false)) }
            parts.append((m, true))
            last = m.upperBound
        }
        if last < text.count { parts.append((last..<text.count, false)) }
        if invert { parts = parts.map { ($0.0, !$0.1) } }
        switch behavior {
        case .isolated:
            for p in parts { body(p.0) }
        case .matchesOnly:
            for p in parts where p.1 { body(p.0) }
        case .removed:
            for p in parts where !p.1 { body(p.0) }
        case .mergedWithPrevious:
            var cur: Range<Int>? = nil
            for p in parts {
                if p.1, let c = cur { cur = c.lowerBound..<p.0.upperBound } else {
                    if let c = cur { body(c) }
                    cur = p.0
                }
            }
            if let c = cur { body(c) }
        case .mergedWithNext:
            var cur: Range<Int>? = nil
            for p in parts {
                if let c = cur { cur = c.lowerBound..<p.0.upperBound } else { cur = p.0 }
                if !p.1, let c = cur { body(c); cur = nil }
            }
            if let c = cur { body(c) }
        case .contiguous:
            var cur: (Range<Int>, Bool)? = nil
            for p in parts {
                if let c = cur, c.1 == p.1 { cur = (c.0.lowerBound..<p.0.upperBound, c.1) } else {
                    if let c = cur { body(c.0) }
                    cur = p
                }
            }
            if let c = cur { body(c.0) }
        }
    }
}
