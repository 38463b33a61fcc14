import AIGCText

/// One pass over a text's UTF-8 bytes for the audit: characters, words (with their hashes and ranges, for n-grams
/// and fertility), script of every character (and, on request, of every byte, for attributing tokens), invalid
/// UTF-8, control/format characters by class, U+FFFD, and the longest run of one character. ASCII takes a
/// table-free fast path; ICU is called only for non-ASCII scalars. Reusable scratch: one scanner per thread.
///
/// Words are maximal runs of letters, marks and digits (ICU general categories L*, M*, N*, ASCII alphanumerics);
/// in scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan) each character
/// is a word. Word hashes ignore ASCII case.
public struct TextScanner {
    /// Per ICU script code: characters (whitespace excluded) and words.
    public var scriptChars = [UInt64](repeating: 0, count: ScriptTable.size)
    public var scriptWords = [UInt64](repeating: 0, count: ScriptTable.size)
    /// Words of the last scanned text: hash (ASCII case-folded) and byte range.
    public private(set) var wordHashes: [UInt64] = []
    public private(set) var wordStarts: [Int32] = []
    public private(set) var wordEnds: [Int32] = []
    /// Per byte of the last scanned text, its character's script code (filled only when `trackByteScripts`).
    public private(set) var byteScripts: [UInt8] = []
    public var trackByteScripts = false
    /// Per-document script counts of the last scanned text (characters), for the document's dominant script.
    public private(set) var docScriptChars = [UInt32](repeating: 0, count: ScriptTable.size)
    private var touchedScripts: [Int] = []

    public init() {}

    /// Clears the per-document script counts (call once per document; a document may span several texts).
    public mutating func beginDocument() {
        for s in touchedScripts { docScriptChars[s] = 0 }
        touchedScripts.removeAll(keepingCapacity: true)
    }

    /// The most frequent non-neutral script of the current document, or Common when it has none.
    public func dominantScript() -> Int32 {
        var best = -1
        var bestCount: UInt32 = 0
        for s in touchedScripts where !ScriptTable.isNeutral(Int32(s)) {
            let c = docScriptChars[s]
            if c > bestCount || (c == bestCount && s < best) { best = s; bestCount = c }
        }
        return best < 0 ? ScriptTable.common : Int32(best)
    }

    @inline(__always) private mutating func countScript(_ code: Int32, whitespace: Bool) {
        guard !whitespace else { return }
        let s = Int(code) & 0xFF
        scriptChars[s] &+= 1
        if docScriptChars[s] == 0 { touchedScripts.append(s) }
        docScriptChars[s] &+= 1
    }

    /// Scans one text. Per-text results come back; script counters accumulate across calls.
    public mutating func scan(_ p: UnsafeBufferPointer<UInt8>, collect: Bool = true) -> TextScan {
        var r = TextScan()
        r.bytes = p.count
        if !collect { return scanHealth(p, into: &r) }
        wordHashes.removeAll(keepingCapacity: true)
        wordStarts.removeAll(keepingCapacity: true)
        wordEnds.removeAll(keepingCapacity: true)
        if trackByteScripts {
            byteScripts.removeAll(keepingCapacity: true)
            byteScripts.reserveCapacity(p.count)
        }
        let common = ScriptTable.common, latin = ScriptTable.latin
        let n = p.count
        var i = 0
        // Word state.
        var inWord = false
        var wordStart = 0
        var wordHash: UInt64 = 0
        var wordScript: Int32 = common
        // Run state.
        var runScalar: UInt32 = 0xFFFF_FFFF
        var runLength = 0
        var runStart = 0

        @inline(__always) func endWord(at end: Int, _ me: inout TextScanner, _ r: inout TextScan) {
            me.wordHashes.append(wordHash ^ UInt64(end - wordStart) &* 0x9E37_79B9_7F4A_7C15)
            me.wordStarts.append(Int32(truncatingIfNeeded: wordStart))
            me.wordEnds.append(Int32(truncatingIfNeeded: end))
            me.scriptWords[Int(wordScript) & 0xFF] &+= 1
            r.words += 1
        }

        while i < n {
            let b = p[i]
            var scalar: UInt32
            var len = 1
            var code: Int32
            var isWordChar: Bool
            var isSpace = false
            if b < 0x80 {
                scalar = UInt32(b)
                let lower = b | 0x20
                if lower >= 0x61 && lower <= 0x7A {
                    code = latin; isWordChar = true
                } else {
                    code = common
                    isWordChar = b >= 0x30 && b <= 0x39
                    isSpace = b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
                    if b < 0x20 && !isSpace || b == 0x7F {
                        r.otherControl += 1
                        if r.firstOtherControl < 0 { r.firstOtherControl = i }
                    }
                }
            } else {
                r.nonASCII = true
                let (ok, l) = UTF8Bytes.validSequenceLength(p, at: i)
                len = l
                if !ok {
                    r.invalidUTF8 += 1
                    if r.firstInvalidUTF8 < 0 { r.firstInvalidUTF8 = i }
                    scalar = 0xFFFF_FFFE // never equal to a real scalar: breaks runs
                    code = common
                    isWordChar = false
                } else {
                    scalar = UTF8Bytes.decode(p, at: i).scalar
                    code = UnicodeInfo.scriptCode(scalar)
                    let cat = UnicodeInfo.category(scalar).rawValue
                    // L* = 1...5, M* = 6...8, N* = 9...11; Zs/Zl/Zp = 12...14.
                    isWordChar = cat >= 1 && cat <= 11
                    isSpace = cat >= 12 && cat <= 14 || scalar == 0x85
                    Self.classify(scalar, at: i, &r)
                }
            }
            r.chars += 1
            countScript(code, whitespace: isSpace)
            if trackByteScripts {
                let s = UInt8(truncatingIfNeeded: code)
                for _ in 0..<len { byteScripts.append(s) }
            }
            // Runs of one scalar.
            if scalar == runScalar {
                runLength += 1
            } else {
                if runLength > r.longestRun { r.longestRun = runLength; r.longestRunOffset = runStart; r.longestRunScalar = runScalar }
                runScalar = scalar; runLength = 1; runStart = i
            }
            // Words.
            if isWordChar {
                let unspaced = code != common && code != latin && ScriptTable.unspaced.contains(code)
                if unspaced {
                    if inWord { endWord(at: i, &self, &r); inWord = false }
                    wordStart = i; wordHash = UInt64(scalar) &* 0x100_0000_01B3 &+ 0xCBF2_9CE4_8422_2325
                    wordScript = code
                    endWord(at: i + len, &self, &r)
                } else {
                    if !inWord {
                        inWord = true; wordStart = i; wordHash = 0xCBF2_9CE4_8422_2325; wordScript = common
                    }
                    let unit = b < 0x80 && b >= 0x41 && b <= 0x5A ? UInt64(b | 0x20) : UInt64(scalar)
                    wordHash = (wordHash ^ unit) &* 0x100_0000_01B3
                    if wordScript == common && !ScriptTable.isNeutral(code) { wordScript = code }
                }
            } else if inWord {
                endWord(at: i, &self, &r)
                inWord = false
            }
            i += len
        }
        if inWord { endWord(at: n, &self, &r) }
        if runLength > r.longestRun { r.longestRun = runLength; r.longestRunOffset = runStart; r.longestRunScalar = runScalar }
        return r
    }

    /// Health only (no scripts, words, byte scripts): for the raw text when normalization changed it.
    private func scanHealth(_ p: UnsafeBufferPointer<UInt8>, into r: inout TextScan) -> TextScan {
        let n = p.count
        var i = 0
        var runScalar: UInt32 = 0xFFFF_FFFF
        var runLength = 0
        var runStart = 0
        while i < n {
            let b = p[i]
            var scalar: UInt32
            var len = 1
            if b < 0x80 {
                scalar = UInt32(b)
                if (b < 0x20 && b != 0x20 && b != 0x0A && b != 0x09 && b != 0x0D) || b == 0x7F {
                    r.otherControl += 1
                    if r.firstOtherControl < 0 { r.firstOtherControl = i }
                }
            } else {
                r.nonASCII = true
                let (ok, l) = UTF8Bytes.validSequenceLength(p, at: i)
                len = l
                if !ok {
                    r.invalidUTF8 += 1
                    if r.firstInvalidUTF8 < 0 { r.firstInvalidUTF8 = i }
                    scalar = 0xFFFF_FFFE
                } else {
                    scalar = UTF8Bytes.decode(p, at: i).scalar
                    Self.classify(scalar, at: i, &r)
                }
            }
            r.chars += 1
            if scalar == runScalar {
                runLength += 1
            } else {
                if runLength > r.longestRun { r.longestRun = runLength; r.longestRunOffset = runStart; r.longestRunScalar = runScalar }
                runScalar = scalar; runLength = 1; runStart = i
            }
            i += len
        }
        if runLength > r.longestRun { r.longestRun = runLength; r.longestRunOffset = runStart; r.longestRunScalar = runScalar }
        return r
    }

    /// Counts U+FFFD and control/format characters of a non-ASCII scalar.
    @inline(__always) static func classify(_ scalar: UInt32, at i: Int, _ r: inout TextScan) {
        if scalar == 0xFFFD {
            r.replacement += 1
            if r.firstReplacement < 0 { r.firstReplacement = i }
            return
        }
        let cat = UnicodeInfo.category(scalar).rawValue
        guard cat == 15 || cat == 16 else { return } // Cc, Cf
        switch FormatCharacterClass.of(scalar) {
        case .bidi?:
            r.bidi += 1
            if r.firstBidi < 0 { r.firstBidi = i }
        case .zeroWidth?:
            r.zeroWidth += 1
            if r.firstZeroWidth < 0 { r.firstZeroWidth = i }
        default:
            if scalar != 0x85 {
                r.otherControl += 1
                if r.firstOtherControl < 0 { r.firstOtherControl = i }
            }
        }
    }

    public mutating func scan(_ bytes: [UInt8], collect: Bool = true) -> TextScan {
        bytes.withUnsafeBufferPointer { scan($0, collect: collect) }
    }
}
