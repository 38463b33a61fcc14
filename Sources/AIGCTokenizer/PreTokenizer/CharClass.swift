import CICU

/// Pre-tokenizer character classes (bits from `cicu_props.h`), looked up through a table for the BMP that is built
/// once from ICU and by a direct ICU call above it.
@usableFromInline
enum CharClass {
    @usableFromInline static let L: UInt8 = 1
    @usableFromInline static let N: UInt8 = 2
    @usableFromInline static let WS: UInt8 = 4
    @usableFromInline static let M: UInt8 = 8
    @usableFromInline static let upper: UInt8 = 16
    @usableFromInline static let lower: UInt8 = 32

    /// Classes of U+0000…U+FFFF (64 KiB, built on first use in well under a millisecond).
    nonisolated(unsafe) static let bmp: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        cicu_tok_class_fill(0, 0x10000, p)
        for (a, b, k) in overrides where a < 0x10000 {
            for c in a...min(b, 0xFFFF) { p[Int(c)] = k }
        }
        return p
    }()

    /// Overrides above the BMP (first, last, class), for a binary search.
    static let supplementaryOverrides: [(UInt32, UInt32, UInt8)] = overrides.filter { $0.1 >= 0x10000 }

    /// Classes of U+1F000…U+1FFFF (emoji, pictographs, regional indicators) and U+E0000…U+E0FFF (tags,
    /// variation selectors 17–256): 8 KiB, built on the first code point above the BMP (~8 K ICU calls, well under
    /// a millisecond). Emoji text is mostly these code points; each one cost a binary search of the overrides and
    /// two ICU calls (~2.4% of a profile of the emoji category).
    nonisolated(unsafe) static let emojiPlanes: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x2000)
        for (k, start) in [UInt32(0x1F000), 0xE0000].enumerated() {
            for i in 0..<0x1000 { p[k << 12 | i] = supplementary(start + UInt32(i)) }
        }
        return p
    }()

    @inline(__always) static func of(_ c: UInt32) -> UInt8 {
        c < 0x10000 ? bmp[Int(c)] : supplementary(c)
    }

    /// Class of a code point above the BMP: the newer-Unicode override if any, else ICU.
    static func supplementary(_ c: UInt32) -> UInt8 {
        let o = supplementaryOverrides
        var lo = 0, hi = o.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if o[mid].1 < c { lo = mid + 1 } else { hi = mid }
        }
        if lo < o.count && o[lo].0 <= c { return o[lo].2 }
        return cicu_tok_class(c)
    }
}

/// A cursor over UTF-8 bytes shared by the scanners. Decoding never reads out of bounds: a malformed or truncated
/// sequence is one byte of class 0 (a "symbol").
@usableFromInline
struct ScanText {
    let p: UnsafePointer<UInt8>
    let n: Int
    let table: UnsafeMutablePointer<UInt8>

    init(_ b: UnsafeBufferPointer<UInt8>) {
        p = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
        n = b.count
        table = CharClass.bmp
    }

    /// The hand-written scanners' `split`: calls `body` with each piece, `next` giving the end of the piece that
    /// starts at an offset (inlined into each scanner, so its `next` is too).
    @inline(__always) static func split(_ text: UnsafeBufferPointer<UInt8>, _ next: (ScanText, Int) -> Int,
                                        _ body: (Range<Int>) -> Void) {
        let t = ScanText(text)
        var s = 0
        while s < t.n {
            let e = next(t, s)
            body(s..<e)
            s = e
        }
    }

    /// The code point at `i` and its length in bytes.
    @inline(__always) func decode(_ i: Int) -> (c: UInt32, len: Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        if b0 < 0xE0 {
            if b0 >= 0xC2 && i + 1 < n && p[i + 1] & 0xC0 == 0x80 {
                return (UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2)
            }
            return (0xFFFF_FFFF, 1)
        }
        if b0 < 0xF0 {
            if i + 2 < n && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 {
                return (UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
            }
            return (0xFFFF_FFFF, 1)
        }
        if b0 < 0xF5 && i + 3 < n && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 && p[i + 3] & 0xC0 == 0x80 {
            return (UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                        | UInt32(p[i + 3] & 0x3F), 4)
        }
        return (0xFFFF_FFFF, 1)
    }

    @inline(__always) func cls(_ c: UInt32) -> UInt8 {
        if c < 0x10000 { return table[Int(c)] }
        // U+1Fxxx and U+E0xxx from the small table (the same values: built by `supplementary`).
        if c & 0xFFFF_F000 == 0x1F000 { return CharClass.emojiPlanes[Int(c & 0xFFF)] }
        if c & 0xFFFF_F000 == 0xE0000 { return CharClass.emojiPlanes[0x1000 | Int(c & 0xFFF)] }
        return c == 0xFFFF_FFFF ? 0 : CharClass.supplementary(c)
    }

    /// Class of the code point at `i` (0 at the end).
    @inline(__always) func clsAt(_ i: Int) -> UInt8 {
        if i >= n { return 0 }
        let b = p[i]
        if b < 0x80 { return table[Int(b)] }
        return cls(decode(i).c)
    }

    /// End of the run of code points from `i` whose class intersects `mask`.
    @inline(__always) func run(_ i: Int, _ mask: UInt8) -> Int {
        var i = i
        while i < n {
            let b = p[i]
            if b < 0x80 {
                if table[Int(b)] & mask == 0 { return i }
                i += 1
            } else {
                let (c, l) = decode(i)
                if cls(c) & mask == 0 { return i }
                i += l
            }
        }
        return i
    }

    /// Like `run` but at most `maxCount` code points.
    @inline(__always) func run(_ i: Int, _ mask: UInt8, max maxCount: Int) -> Int {
        var i = i, k = 0
        while i < n && k < maxCount {
            let (c, l) = decode(i)
            if cls(c) & mask == 0 { return i }
            i += l; k += 1
        }
        return i
    }

    /// End of the run of "symbols" `[^\s\p{L}\p{N}]` from `i`.
    @inline(__always) func symbolRun(_ i: Int) -> Int {
        var i = i
        while i < n {
            let b = p[i]
            if b < 0x80 {
                if table[Int(b)] & (CharClass.L | CharClass.N | CharClass.WS) != 0 { return i }
                i += 1
            } else {
                let (c, l) = decode(i)
                if cls(c) & (CharClass.L | CharClass.N | CharClass.WS) != 0 { return i }
                i += l
            }
        }
        return i
    }

    /// Whitespace run from `i`: its end, the start of its last code point, and the end of its last `\r`/`\n` (or -1).
    @inline(__always) func whitespaceRun(_ i: Int) -> (end: Int, lastStart: Int, lastNewlineEnd: Int) {
        var i = i, last = i, nl = -1
        while i < n {
            let b = p[i]
            if b < 0x80 {
                if table[Int(b)] & CharClass.WS == 0 { break }
                if b == 0x0A || b == 0x0D { nl = i + 1 }
                last = i; i += 1
            } else {
                let (c, l) = decode(i)
                if cls(c) & CharClass.WS == 0 { break }
                last = i; i += l
            }
        }
        return (i, last, nl)
    }

    /// Bytes from `i` while they are in the given ASCII set (`\r`, `\n` and optionally `/`).
    @inline(__always) func newlineRun(_ i: Int, slash: Bool) -> Int {
        var i = i
        while i < n {
            let b = p[i]
            if b == 0x0A || b == 0x0D || (slash && b == 0x2F) { i += 1 } else { break }
        }
        return i
    }

    @inline(__always) func lowerASCII(_ i: Int) -> UInt8 { i < n ? p[i] | 0x20 : 0 }

    /// Case-insensitive `'s|'t|'re|'ve|'m|'ll|'d` (with Unicode simple case folding: `ſ` U+017F matches `s`) after
    /// the apostrophe at `q - 1`; returns the end or nil.
    @inline(__always) func contractionCI(after q: Int) -> Int? {
        guard q < n else { return nil }
        let b = p[q]
        switch b | 0x20 {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"):
            if b >= 0x41 && b <= 0x7A && (b <= 0x5A || b >= 0x61) { return q + 1 }
        case UInt8(ascii: "l"):
            if q + 1 < n && (b == 0x4C || b == 0x6C) && lowerASCII(q + 1) == UInt8(ascii: "l") && isLetter(q + 1) { return q + 2 }
        case UInt8(ascii: "v"):
            if q + 1 < n && (b == 0x56 || b == 0x76) && lowerASCII(q + 1) == UInt8(ascii: "e") && isLetter(q + 1) { return q + 2 }
        case UInt8(ascii: "r"):
            if q + 1 < n && (b == 0x52 || b == 0x72) && lowerASCII(q + 1) == UInt8(ascii: "e") && isLetter(q + 1) { return q + 2 }
        default: break
        }
        if b == 0xC5 && q + 1 < n && p[q + 1] == 0xBF { return q + 2 }  // ſ
        return nil
    }

    @inline(__always) private func isLetter(_ i: Int) -> Bool {
        let b = p[i]
        return (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// Case-sensitive `'s|'t|'re|'ve|'m|'ll|'d` after the apostrophe at `q - 1`.
    @inline(__always) func contractionLower(after q: Int) -> Int? {
        guard q < n else { return nil }
        switch p[q] {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"): return q + 1
        case UInt8(ascii: "l"): return q + 1 < n && p[q + 1] == UInt8(ascii: "l") ? q + 2 : nil
        case UInt8(ascii: "v"), UInt8(ascii: "r"): return q + 1 < n && p[q + 1] == UInt8(ascii: "e") ? q + 2 : nil
        default: return nil
        }
    }
}

/// Test hook: whether the scanners' class of `c` comes from the newer-Unicode overrides (ICU's regex engine
/// classifies such code points differently, so scanner-vs-ICU comparisons skip them).
package func preTokenizerClassOverridden(_ c: UInt32) -> Bool {
    CharClass.overrides.contains { $0.0 <= c && c <= $0.1 }
}
