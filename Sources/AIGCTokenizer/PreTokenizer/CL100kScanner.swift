/// Hand-written scanner equal to tiktoken's cl100k_base pattern
/// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`.
public struct CL100kScanner: PreTokenizer {
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        ScanText.split(text, { t, s in next(t, s) }, body)
    }

    @inline(__always) func next(_ t: ScanText, _ s: Int) -> Int {
        let (c, l) = t.decode(s)
        if c == 0x27, let e = t.contractionCI(after: s + 1) { return e }
        let k = t.cls(c)
        if k & CharClass.L != 0 { return t.run(s + l, CharClass.L) }
        // [^\r\n\p{L}\p{N}]?+\p{L}++ with a one-code-point prefix
        if k & (CharClass.L | CharClass.N) == 0 && c != 0x0A && c != 0x0D && t.clsAt(s + l) & CharClass.L != 0 {
            return t.run(s + l, CharClass.L)
        }
        if k & CharClass.N != 0 { return t.run(s, CharClass.N, max: 3) }
        if c == 0x20 && s + 1 < t.n && t.clsAt(s + 1) & (CharClass.L | CharClass.N | CharClass.WS) == 0 {
            return t.newlineRun(t.symbolRun(s + 1), slash: false)
        }
        if k & CharClass.WS == 0 { return t.newlineRun(t.symbolRun(s), slash: false) }
        let w = t.whitespaceRun(s)
        if w.end == t.n { return w.end }                  // \s++$
        if w.lastNewlineEnd > 0 { return w.lastNewlineEnd } // \s*[\r\n]
        if w.lastStart > s { return w.lastStart }         // \s+(?!\S)
        return s + l                                      // \s
    }
}
