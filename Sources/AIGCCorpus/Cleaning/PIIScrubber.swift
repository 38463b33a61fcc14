/// Finds e-mail addresses, phone numbers, IPv4/IPv6 addresses and credit-card-like numbers (13–19 digits passing
/// the Luhn check) in UTF-8 text with hand-written byte scanners (no regex engine on the hot path), and replaces
/// them with placeholders such as `<EMAIL>`. Conservative by design: a phone number needs 10–15 digits and either
/// a leading `+` or at least two separator groups, so prices, years and plain counts are left alone.
public struct PIIScrubber: Sendable {
    public var kinds: Set<PIIKind>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases)) { self.kinds = kinds }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
    @inline(__always) static func isLocalPart(_ c: UInt8) -> Bool {
        isAlnum(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D
    }
    @inline(__always) static func isDomainChar(_ c: UInt8) -> Bool { isAlnum(c) || c == 0x2E || c == 0x2D }

    /// All matches, in order, non-overlapping.
    public func matches(in text: UnsafeBufferPointer<UInt8>) -> [PIIMatch] {
        var out: [PIIMatch] = []
        let n = text.count
        var i = 0
        // Quick reject: nothing to find without '@', ':' or digits.
        var interesting = false
        for c in text where c == 0x40 || c == 0x3A || Self.isDigit(c) { interesting = true; break }
        if !interesting { return out }
        while i < n {
            let c = text[i]
            if c == 0x40, kinds.contains(.email), let m = email(text, at: i), out.last.map({ $0.range.upperBound <= m.lowerBound }) ?? true {
                out.append(PIIMatch(kind: .email, range: m))
                i = m.upperBound
                continue
            }
            let boundary = i == 0 || !(Self.isAlnum(text[i - 1]) || text[i - 1] == 0x2E || text[i - 1] == 0x40 || text[i - 1] == 0x3A)
            if boundary && (Self.isDigit(c) || c == 0x2B || c == 0x28 || Self.isHex(c) || c == 0x3A) {
                if kinds.contains(.ip), let m = ipv4(text, at: i) ?? ipv6(text, at: i) {
                    out.append(PIIMatch(kind: .ip, range: m)); i = m.upperBound; continue
                }
                if Self.isDigit(c), let (m, luhn) = cardCandidate(text, at: i) {
                    // A card-shaped number that fails Luhn is skipped whole (not re-read as a phone number).
                    if luhn && kinds.contains(.creditCard) { out.append(PIIMatch(kind: .creditCard, range: m)) }
                    i = m.upperBound
                    continue
                }
                if kinds.contains(.phone), Self.isDigit(c) || c == 0x2B || c == 0x28, let m = phone(text, at: i) {
                    out.append(PIIMatch(kind: .phone, range: m)); i = m.upperBound; continue
                }
                // Skip the rest of this alphanumeric token: matches start only at token boundaries.
                if Self.isAlnum(c) {
                    while i < n && Self.isAlnum(text[i]) { i += 1 }
                    continue
                }
            }
            i += 1
        }
        return out
    }

    /// Replaces matches with placeholders; returns nil when there is nothing to replace (no copy).
    public func scrub(_ text: [UInt8], counts: inout [PIIKind: Int]) -> [UInt8]? {
        let found = text.withUnsafeBufferPointer { matches(in: $0) }
        if found.isEmpty { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var last = 0
        for m in found {
            out.append(contentsOf: text[last..<m.range.lowerBound])
            out.append(contentsOf: m.kind.placeholder.utf8)
            last = m.range.upperBound
            counts[m.kind, default: 0] += 1
        }
        out.append(contentsOf: text[last...])
        return out
    }

    private func email(_ t: UnsafeBufferPointer<UInt8>, at: Int) -> Range<Int>? {
        var lo = at
        while lo > 0 && Self.isLocalPart(t[lo - 1]) { lo -= 1 }
        while lo < at && (t[lo] == 0x2E || t[lo] == 0x2D) { lo += 1 }
        guard lo < at else { return nil }
        var hi = at + 1
        while hi < t.count && Self.isDomainChar(t[hi]) { hi += 1 }
        while hi > at + 1 && (t[hi - 1] == 0x2E || t[hi - 1] == 0x2D) { hi -= 1 }
        // Domain: labels separated by dots, last label (TLD) at least two letters.
        guard hi > at + 1 else { return nil }
        var lastDot = -1
        for k in (at + 1)..<hi where t[k] == 0x2E { lastDot = k }
        guard lastDot > at + 1, hi - lastDot - 1 >= 2 else { return nil }
        for k in (lastDot + 1)..<hi where !Self.isAlpha(t[k]) { return nil }
        return lo..<hi
    }

    private func ipv4(_ t: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var i = start
        for part in 0..<4 {
            var v = 0, digits = 0
            while i < t.count && Self.isDigit(t[i]) && digits < 4 { v = v * 10 + Int(t[i] - 0x30); digits += 1; i += 1 }
            guard digits >= 1 && digits <= 3 && v <= 255 else { return nil }
            if part < 3 {
                guard i < t.count && t[i] == 0x2E else { return nil }
                i += 1
            }
        }
        if i < t.count && (Self.isAlnum(t[i]) || (t[i] == 0x2E && i + 1 < t.count && Self.isDigit(t[i + 1]))) { return nil }
        return start..<i
    }

    private func ipv6(_ t: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        // Hex groups of 1–4 digits separated by ':', at most one '::'; 8 groups, or fewer with '::' (>= 3 groups).
        var i = start
        var groups = 0, doubleColon = false, hasLetterOrDouble = false
        var end = start
        while i < t.count {
            var len = 0
            while i < t.count && Self.isHex(t[i]) && len < 5 {
                if !Self.isDigit(t[i]) { hasLetterOrDouble = true }
                len += 1; i += 1
            }
            if len > 4 { return nil }
            if len > 0 { groups += 1; end = i }
            guard i < t.count && t[i] == 0x3A else { break }
            if i + 1 < t.count && t[i + 1] == 0x3A {
                if doubleColon { return nil }
                doubleColon = true; hasLetterOrDouble = true
                i += 2; end = i
            } else {
                if len == 0 && !(i > start && t[i - 1] == 0x3A) { return nil }
                i += 1
            }
        }
        guard hasLetterOrDouble, groups == 8 || (doubleColon && groups >= 3 && groups < 8) else { return nil }
        if end < t.count && (Self.isAlnum(t[end])) { return nil }
        return start..<end
    }

    /// A 13–19 digit number (digits optionally grouped by single spaces or hyphens) and whether it passes Luhn.
    private func cardCandidate(_ t: UnsafeBufferPointer<UInt8>, at start: Int) -> (Range<Int>, Bool)? {
        var i = start
        var digits: [UInt8] = []
        var end = start
        var sep: UInt8 = 0
        while i < t.count && digits.count < 19 {
            let c = t[i]
            if Self.isDigit(c) { digits.append(c - 0x30); i += 1; end = i; continue }
            if (c == 0x20 || c == 0x2D) && i + 1 < t.count && Self.isDigit(t[i + 1]) && (sep == 0 || sep == c) {
                sep = c; i += 1; continue
            }
            break
        }
        if end < t.count && Self.isAlnum(t[end]) { return nil }
        guard digits.count >= 13 && digits.count <= 19 else { return nil }
        // Luhn checksum.
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            var x = Int(d)
            if k % 2 == 1 { x *= 2; if x > 9 { x -= 9 } }
            sum += x
        }
        return (start..<end, sum % 10 == 0)
    }

    private func phone(_ t: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var i = start
        var digits = 0, groups = 0, inGroup = false
        let plus = t[i] == 0x2B
        if plus { i += 1 }
        var end = i
        var lastWasSep = false
        while i < t.count {
            let c = t[i]
            if Self.isDigit(c) {
                digits += 1
                if !inGroup { groups += 1; inGroup = true }
                i += 1; end = i; lastWasSep = false
                continue
            }
            if c == 0x20 || c == 0x2D || c == 0x2E || c == 0x28 || c == 0x29 {
                if lastWasSep && c != 0x28 && t[i - 1] != 0x29 { break }
                inGroup = false; lastWasSep = true; i += 1
                continue
            }
            break
        }
        if end < t.count && Self.isAlnum(t[end]) { return nil }
        guard digits >= 10 && digits <= 15, plus || groups >= 3 else { return nil }
        return start..<end
    }
}
