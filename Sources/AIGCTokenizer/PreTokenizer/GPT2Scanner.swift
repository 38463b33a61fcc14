/// Hand-written scanner equal to `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// (HF `ByteLevel`, and tiktoken's r50k/p50k pattern, which is equivalent): each branch is tried in order at the
/// current position, exactly as the backtracking regex engines do.
public struct GPT2Scanner: PreTokenizer {
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        ScanText.split(text, { t, s in next(t, s) }, body)
    }

    @inline(__always) func next(_ t: ScanText, _ s: Int) -> Int {
        let (c, l) = t.decode(s)
        if c == 0x27, let e = t.contractionLower(after: s + 1) { return e }
        let k = t.cls(c)
        if c == 0x20 && s + 1 < t.n {
            let k2 = t.clsAt(s + 1)
            if k2 & CharClass.L != 0 { return t.run(s + 1, CharClass.L) }
            if k2 & CharClass.N != 0 { return t.run(s + 1, CharClass.N) }
            if k2 & (CharClass.L | CharClass.N | CharClass.WS) == 0 { return t.symbolRun(s + 1) }
        }
        if k & CharClass.L != 0 { return t.run(s, CharClass.L) }
        if k & CharClass.N != 0 { return t.run(s, CharClass.N) }
        if k & CharClass.WS == 0 { return t.symbolRun(s) }
        let w = t.whitespaceRun(s)
        if w.end == t.n { return w.end }          // \s+(?!\S) up to the end
        if w.lastStart > s { return w.lastStart } // \s+(?!\S) backs off one code point
        return s + l                              // \s+ of one code point before a non-space
    }
}
