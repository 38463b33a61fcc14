/// Cuts a text into chunks at offsets where the three known pre-tokenizer patterns provably start a new pre-token
/// whatever comes before, and where scanning the chunk alone gives the same pre-tokens as scanning the whole text
/// (a regex's `$` and `(?!\S)` see the chunk end): so encoding chunks independently and concatenating is identical
/// to encoding the whole text. Safe cuts (proof in docs/tokenizer.md, "Parallel encoding"):
/// 1. before `p` when `text[p-1] == '\n'`, the code point before it is not whitespace and `text[p]` starts a
///    non-whitespace code point other than `/` (o200k's symbol branch `[^\s\p{L}\p{N}]+[\r\n/]*` goes on
///    through `\n/`) — any script: CJK, Arabic or Indic lines start with non-ASCII letters;
/// 2. before the space in `letter ' ' letter`, letters of any script (`\p{L}`, the scanner's class).
enum TextChunker {
    /// Chunk end offsets (the last one is `p.count`), each chunk about `target` bytes or longer.
    static func cuts(_ p: UnsafeBufferPointer<UInt8>, target: Int) -> [Int] {
        var cuts: [Int] = []
        let n = p.count
        var from = target
        while from < n {
            guard let c = safeCut(p, from: from, limit: min(n, from + max(target, 1 << 16))) else {
                from += target
                continue
            }
            cuts.append(c)
            from = c + target
        }
        cuts.append(n)
        return cuts
    }

    /// A safe cut near the end of `p` (within its last 64 KiB if there is one there, else further back), or nil.
    /// Only bytes inside `p` are looked at, and a code point cut off by the end of `p` never makes a cut, so a cut
    /// found in a prefix of a text is a safe cut of the whole text (`Tokenizer.encodeOrdinary(reading:…)`).
    static func lastSafeCut(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        var span = 1 << 16
        while true {
            let from = max(2, p.count - span)
            if let c = safeCut(p, from: from, limit: p.count) { return c }
            if from == 2 { return nil }
            span *= 8
        }
    }

    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// The first safe cut in [from, limit), or nil.
    static func safeCut(_ p: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        var i = max(from, 2)
        var spaceCut: Int? = nil
        while i < limit - 1 {
            let b = p[i]
            // The byte tests come first: the decoding branches run only at a newline or a space next to a
            // non-ASCII byte, a few times per line.
            if p[i - 1] == 0x0A && ((b > 0x20 && b < 0x7F && b != 0x2F) || (b >= 0xC2 && startsNonWhitespace(p, i)))
                && !isWhitespaceBefore(p, i - 1) { return i }
            if spaceCut == nil && b == 0x20 && isLetterBefore(p, i) && isLetterAt(p, i + 1) { spaceCut = i }
            i += 1
        }
        return spaceCut
    }

    /// Whether a well-formed non-whitespace code point starts at `i` (malformed bytes: not a provably safe cut).
    static func startsNonWhitespace(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let t = ScanText(UnsafeBufferPointer(rebasing: p[i..<min(p.count, i + 4)]))
        let (c, _) = t.decode(0)
        return c != 0xFFFF_FFFF && t.cls(c) & CharClass.WS == 0
    }

    /// Whether the code point starting at `i` is a letter (`\p{L}`).
    static func isLetterAt(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        if p[i] < 0x80 { return isASCIILetter(p[i]) }
        let t = ScanText(UnsafeBufferPointer(rebasing: p[i..<min(p.count, i + 4)]))
        let (c, _) = t.decode(0)
        return c != 0xFFFF_FFFF && t.cls(c) & CharClass.L != 0
    }

    /// Whether the code point ending just before `end` is a letter (`\p{L}`; looks back over continuation bytes).
    static func isLetterBefore(_ p: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        if end <= 0 { return false }
        if p[end - 1] < 0x80 { return isASCIILetter(p[end - 1]) }
        var s = end - 1
        while s > 0 && end - s < 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        let t = ScanText(UnsafeBufferPointer(rebasing: p[s..<end]))
        let (c, l) = t.decode(0)
        return l == end - s && c != 0xFFFF_FFFF && t.cls(c) & CharClass.L != 0
    }

    /// Whether the code point ending just before `end` is White_Space (looks back over continuation bytes).
    static func isWhitespaceBefore(_ p: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        if end <= 0 { return true }  // no code point before: not a provably safe cut
        var s = end - 1
        while s > 0 && end - s < 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        let t = ScanText(UnsafeBufferPointer(rebasing: p[s..<end]))
        let (c, l) = t.decode(0)
        if l != end - s { return true }  // malformed: be conservative
        return t.cls(c) & CharClass.WS != 0
    }
}
