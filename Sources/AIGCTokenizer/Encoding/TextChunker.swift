/// Cuts a text into chunks at offsets where the three known pre-tokenizer patterns provably start a new pre-token
/// whatever comes before, and where scanning the chunk alone gives the same pre-tokens as scanning the whole text
/// (a regex's `$` and `(?!\S)` see the chunk end): so encoding chunks independently and concatenating is identical
/// to encoding the whole text. Safe cuts (proof in docs/tokenizer.md, "Parallel encoding"):
/// 1. before `p` when `text[p-1] == '\n'`, the code point before it is not whitespace and `text[p]` is a
///    printable ASCII non-space byte other than `/` (o200k's symbol branch `[^\s\p{L}\p{N}]+[\r\n/]*` goes on
///    through `\n/`);
/// 2. before the space in `letter ' ' letter` (all ASCII).
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

    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// The first safe cut in [from, limit), or nil.
    static func safeCut(_ p: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        var i = max(from, 2)
        var spaceCut: Int? = nil
        while i < limit - 1 {
            let b = p[i]
            if p[i - 1] == 0x0A && b > 0x20 && b < 0x7F && b != 0x2F && !isWhitespaceBefore(p, i - 1) { return i }
            if spaceCut == nil && b == 0x20 && isASCIILetter(p[i - 1]) && isASCIILetter(p[i + 1]) { spaceCut = i }
            i += 1
        }
        return spaceCut
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
