/// Hand-written scanner equal to tiktoken's o200k_base pattern (see `PreTokenizerPattern.o200kRegex`). The two
/// letter branches backtrack (`[U]*[W]+` where U and W share Lm, Lo and M); `letters(_:_:)` reproduces the result.
public struct O200kScanner: PreTokenizer {
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        ScanText.split(text, { t, s in next(t, s) }, body)
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` from `i`, then the optional contraction.
    @inline(__always) func branch1(_ t: ScanText, _ i: Int) -> Int? {
        var j = i, lastLowerEnd = -1
        while j < t.n {
            let (c, l) = t.decode(j)
            let k = t.cls(c)
            if k & CharClass.upper == 0 {
                if k & CharClass.lower != 0 { return contraction(t, t.run(j, CharClass.lower)) }
                break
            }
            j += l
            if k & CharClass.lower != 0 { lastLowerEnd = j }
        }
        return lastLowerEnd >= 0 ? contraction(t, lastLowerEnd) : nil
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` from `i` (which must be in the first class).
    @inline(__always) func branch2(_ t: ScanText, _ i: Int) -> Int {
        contraction(t, t.run(t.run(i, CharClass.upper), CharClass.lower))
    }

    @inline(__always) func contraction(_ t: ScanText, _ e: Int) -> Int {
        if e < t.n && t.p[e] == 0x27, let c = t.contractionCI(after: e + 1) { return c }
        return e
    }

    @inline(__always) func next(_ t: ScanText, _ s: Int) -> Int {
        let (c, l) = t.decode(s)
        let k = t.cls(c)
        let prefix = k & (CharClass.L | CharClass.N) == 0 && c != 0x0A && c != 0x0D && s + l < t.n
        if prefix, let e = branch1(t, s + l) { return e }
        if k & (CharClass.upper | CharClass.lower) != 0, let e = branch1(t, s) { return e }
        if prefix && t.clsAt(s + l) & CharClass.upper != 0 { return branch2(t, s + l) }
        if k & CharClass.upper != 0 { return branch2(t, s) }
        if k & CharClass.N != 0 { return t.run(s, CharClass.N, max: 3) }
        if c == 0x20 && s + 1 < t.n && t.clsAt(s + 1) & (CharClass.L | CharClass.N | CharClass.WS) == 0 {
            return t.newlineRun(t.symbolRun(s + 1), slash: true)
        }
        if k & CharClass.WS == 0 { return t.newlineRun(t.symbolRun(s), slash: true) }
        let w = t.whitespaceRun(s)
        if w.lastNewlineEnd > 0 { return w.lastNewlineEnd } // \s*[\r\n]+
        if w.end == t.n { return w.end }                  // \s+(?!\S) to the end
        if w.lastStart > s { return w.lastStart }         // \s+(?!\S)
        return s + l                                      // \s+
    }
}
