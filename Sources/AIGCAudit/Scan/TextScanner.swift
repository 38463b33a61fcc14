import AIGCCorpus
import AIGCText
import AIGCCore

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
    /// Words of the last scanned text: hash (ASCII case-folded) and byte range (the first `wordCount` entries).
    public private(set) var wordHashes: [UInt64] = []
    public private(set) var wordStarts: [Int32] = []
    public private(set) var wordEnds: [Int32] = []
    /// Per word of the last scanned text, the corpus builder's `WordHasher` state before its final mix, computed in
    /// the same pass (`CorpusWordHashes.finish` completes it). Meaningful only when the scan's `corpusWordsMatch`:
    /// then both cut words at the same places (maximal runs of ASCII letters and digits).
    public private(set) var corpusWordStates: [UInt64] = []
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

    /// `dominantScript()` for a scanner held in a class property: a mutating call works on the stored value in
    /// place, where a non-mutating one would first copy the scanner (retaining and releasing each of its arrays).
    public mutating func dominantScriptInPlace() -> Int32 { dominantScript() }

    @inline(__always) private mutating func countScript(_ code: Int32, whitespace: Bool) {
        guard !whitespace else { return }
        let s = Int(code) & 0xFF
        scriptChars[s] &+= 1
        if docScriptChars[s] == 0 { touchedScripts.append(s) }
        docScriptChars[s] &+= 1
    }

    /// Words of the last scanned text (`wordHashes`, `wordStarts` and `wordEnds` may be longer: they are reused).
    public private(set) var wordCount = 0

    /// Scans one text. Per-text results come back; script counters accumulate across calls.
    public mutating func scan(_ p: UnsafeBufferPointer<UInt8>, collect: Bool = true) -> TextScan {
        var r = TextScan()
        r.bytes = p.count
        if !collect { return scanHealth(p, into: &r) }
        let n = p.count
        // Hot outputs are written through pointers into buffers taken out of `self` for the scan (no per-append
        // uniqueness checks); ASCII script and word tallies go to local counters, added once at the end.
        if wordHashes.count < n + 1 {
            let c = max(n + 1, wordHashes.count * 2, 64)
            wordHashes = [UInt64](repeating: 0, count: c)
            wordStarts = [Int32](repeating: 0, count: c)
            wordEnds = [Int32](repeating: 0, count: c)
            corpusWordStates = [UInt64](repeating: 0, count: c)
        }
        var hashes = wordHashes, starts = wordStarts, ends = wordEnds, scripts = byteScripts, corpus = corpusWordStates
        wordHashes = []; wordStarts = []; wordEnds = []; byteScripts = []; corpusWordStates = []
        let track = trackByteScripts
        // `n` entries when tracking (every one is written below: each path sets the script of each byte it
        // consumes), else none; only entries beyond the previous text's length are zero-filled first.
        let want = track ? n : 0
        if scripts.count > want {
            scripts.removeLast(scripts.count - want)
        } else if scripts.count < want {
            scripts.append(contentsOf: repeatElement(0, count: want - scripts.count))
        }
        var words = 0
        var latinChars = 0, commonChars = 0, latinWords = 0, commonWords = 0
        let common = ScriptTable.common, latin = ScriptTable.latin
        let latinByte = UInt8(truncatingIfNeeded: latin), commonByte = UInt8(truncatingIfNeeded: common)
        hashes.withUnsafeMutableBufferPointer { hp in
        starts.withUnsafeMutableBufferPointer { sp in
        ends.withUnsafeMutableBufferPointer { ep in
        scripts.withUnsafeMutableBufferPointer { bs in
        corpus.withUnsafeMutableBufferPointer { cp in
            var i = 0
            // Word state.
            var inWord = false
            var wordStart = 0
            var wordHash: UInt64 = 0
            var wordScript: Int32 = common
            var corpusState: UInt64 = 0
            var openRun = LongestRun()

            @inline(__always) func endWord(at end: Int, _ me: inout TextScanner) {
                hp[words] = wordHash ^ UInt64(end - wordStart) &* 0x9E37_79B9_7F4A_7C15
                sp[words] = Int32(truncatingIfNeeded: wordStart)
                ep[words] = Int32(truncatingIfNeeded: end)
                cp[words] = corpusState
                words += 1
                if wordScript == latin { latinWords += 1 } else if wordScript == common { commonWords += 1 } else {
                    me.scriptWords[Int(wordScript) & 0xFF] &+= 1
                }
            }

            while i < n {
                let b = p[i]
                // Fast path: a run of ASCII letters and digits (most of most texts), with exactly the effects of
                // the general path below (run, word hash, script counts, byte scripts), plus the corpus word state.
                // Letters and digits case-fold by setting bit 5 (digits have it already). The character before
                // the segment is not an ASCII letter or digit, so a run of one character starts at `i`: the open
                // run is closed first, and runs inside the segment are recorded as they grow (a strictly longer
                // run replaces the longest, so the first run of the greatest length wins, as when runs are
                // recorded at their end).
                if (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 {
                    if !inWord {
                        inWord = true; wordStart = i; wordHash = 0xCBF2_9CE4_8422_2325; wordScript = common
                        corpusState = 0
                    }
                    openRun.close(&r)
                    var seg = AlnumSegment(end: i, hash: wordHash, corpus: corpusState, best: r.longestRun)
                    if track, let bsBase = bs.baseAddress {
                        Self.alnumSegmentTracked(p, n, &seg, bsBase, latinByte, commonByte)
                    } else {
                        Self.alnumSegmentUntracked(p, n, &seg)
                    }
                    let j = seg.end, letters = seg.letters, run = seg.run, last = seg.last
                    if seg.best > r.longestRun {
                        r.longestRunOffset = seg.bestEnd &- seg.best &+ 1; r.longestRunScalar = UInt32(seg.bestScalar)
                    }
                    let best = seg.best, h = seg.hash, ch = seg.corpus
                    r.longestRun = best
                    // The next character differs from `last`: the general path will find this run already recorded.
                    openRun = LongestRun(scalar: UInt32(last), length: run, start: j &- run)
                    wordHash = h; corpusState = ch
                    if letters > 0 && wordScript == common { wordScript = latin }
                    if letters < j &- i { r.piiCandidate = true }
                    latinChars &+= letters
                    commonChars &+= j &- i &- letters
                    r.chars &+= j &- i
                    i = j
                    continue
                }
                // Second fast path: a run of other ASCII characters (spaces, punctuation, controls). None is a word
                // character, all are Common; same effects as the general path below, one character at a time.
                if b < 0x80 {
                    if inWord { endWord(at: i, &self); inWord = false }
                    var j = i
                    while j < n {
                        let c = p[j]
                        if c >= 0x80 || (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 10 { break }
                        let space = c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D
                        if space {
                            // not counted as a Common character
                        } else {
                            commonChars &+= 1
                            if c < 0x20 || c == 0x7F {
                                r.otherControl += 1
                                if r.firstOtherControl < 0 { r.firstOtherControl = j }
                            } else if c == 0x40 || c == 0x3A {
                                r.piiCandidate = true
                            }
                        }
                        if track { bs[j] = commonByte }
                        openRun.add(UInt32(c), at: j, &r)
                        j &+= 1
                    }
                    r.chars &+= j &- i
                    i = j
                    continue
                }
                // General path: one non-ASCII scalar (ASCII took one of the fast paths above).
                let scalar: UInt32
                let code: Int32
                let isWordChar: Bool
                var isSpace = false
                r.nonASCII = true
                let (ok, len) = UTF8Bytes.validSequenceLength(p, at: i)
                if !ok {
                    r.invalidUTF8 += 1
                    if r.firstInvalidUTF8 < 0 { r.firstInvalidUTF8 = i }
                    scalar = 0xFFFF_FFFE // never equal to a real scalar: breaks runs
                    code = common
                    isWordChar = false
                    r.corpusWordsMatch = false
                } else {
                    scalar = UTF8Bytes.decode(p, at: i).scalar
                    code = UnicodeInfo.scriptCode(scalar)
                    let cat = UnicodeInfo.category(scalar).rawValue
                    // L* = 1...5, M* = 6...8, N* = 9...11; Zs/Zl/Zp = 12...14.
                    isWordChar = cat >= 1 && cat <= 11
                    isSpace = cat >= 12 && cat <= 14 || scalar == 0x85
                    Self.classify(scalar, at: i, &r)
                    if isWordChar || !WordHasher.isSeparatorScalar(scalar) { r.corpusWordsMatch = false }
                }
                countScript(code, whitespace: isSpace)
                if track {
                    let s = UInt8(truncatingIfNeeded: code)
                    for k in i..<(i + len) { bs[k] = s }
                }
                r.chars += 1
                // Runs of one scalar.
                openRun.add(scalar, at: i, &r)
                // Words.
                if isWordChar {
                    let unspaced = code != common && code != latin && ScriptTable.unspaced.contains(code)
                    if unspaced {
                        if inWord { endWord(at: i, &self); inWord = false }
                        wordStart = i; wordHash = UInt64(scalar) &* 0x100_0000_01B3 &+ 0xCBF2_9CE4_8422_2325
                        wordScript = code
                        endWord(at: i + len, &self)
                    } else {
                        if !inWord {
                            inWord = true; wordStart = i; wordHash = 0xCBF2_9CE4_8422_2325; wordScript = common
                        }
                        wordHash = (wordHash ^ UInt64(scalar)) &* 0x100_0000_01B3
                        if wordScript == common && !ScriptTable.isNeutral(code) { wordScript = code }
                    }
                } else if inWord {
                    endWord(at: i, &self)
                    inWord = false
                }
                i += len
            }
            if inWord { endWord(at: n, &self) }
            openRun.close(&r)
        }}}}}
        wordHashes = hashes; wordStarts = starts; wordEnds = ends; byteScripts = scripts; corpusWordStates = corpus
        wordCount = words
        r.words = words
        if latinChars > 0 { countScript(latin, chars: latinChars) }
        if commonChars > 0 { countScript(common, chars: commonChars) }
        scriptWords[Int(latin) & 0xFF] &+= UInt64(latinWords)
        scriptWords[Int(common) & 0xFF] &+= UInt64(commonWords)
        return r
    }

    /// State of one fast-path segment (a maximal run of ASCII letters and digits) in and out of its loop.
    struct AlnumSegment {
        /// In: where the segment starts; out: where it ends.
        var end: Int
        /// Word hash and corpus word state, carried through the segment.
        var hash: UInt64
        var corpus: UInt64
        /// In: the longest run so far; out: the longest after the segment, with the index of its last character
        /// and the character (set only when a run inside the segment became the longest).
        var best: Int
        var bestEnd = 0
        var bestScalar: UInt8 = 0
        /// Out: letters in the segment, its last character and the length of the run it ends with.
        var letters = 0
        var last: UInt8 = 0
        var run = 0

        init(end: Int, hash: UInt64, corpus: UInt64, best: Int) {
            self.end = end; self.hash = hash; self.corpus = corpus; self.best = best
        }
    }

    /// The fast path's loop, on its own (not inlined into `scan`, whose many live values would otherwise push this
    /// loop's state out of registers): per character one byte test, the run, both hashes and the letter count.
    @inline(__always)
    static func alnumSegment(_ p: UnsafeBufferPointer<UInt8>, _ n: Int, _ seg: inout AlnumSegment,
                             _ bs: UnsafeMutablePointer<UInt8>?, _ latinByte: UInt8, _ commonByte: UInt8) {
        var j = seg.end
        var h = seg.hash, ch = seg.corpus
        var best = seg.best, bestEnd = seg.bestEnd, bestScalar = seg.bestScalar
        var last: UInt8 = 0
        var run = 0
        var letters = 0
        guard let base = p.baseAddress else { return }
        while j < n {
            let c = base[j]
            let isLetter = (c | 0x20) &- 0x61 < 26
            guard isLetter || c &- 0x30 < 10 else { break }
            run = c == last ? run &+ 1 : 1
            last = c
            if run > best { best = run; bestEnd = j; bestScalar = c }
            let f = UInt64(c | 0x20)
            h = (h ^ f) &* 0x100_0000_01B3
            ch = (ch ^ f) &* 0x100_0000_01B3 &+ 0x9E37_79B9_7F4A_7C15
            letters &+= isLetter ? 1 : 0
            if let bs { bs[j] = isLetter ? latinByte : commonByte }
            j &+= 1
        }
        seg.end = j; seg.hash = h; seg.corpus = ch
        seg.best = best; seg.bestEnd = bestEnd; seg.bestScalar = bestScalar
        seg.letters = letters; seg.last = last; seg.run = run
    }

    @inline(never)
    static func alnumSegmentTracked(_ p: UnsafeBufferPointer<UInt8>, _ n: Int, _ seg: inout AlnumSegment,
                                    _ bs: UnsafeMutablePointer<UInt8>, _ latinByte: UInt8, _ commonByte: UInt8) {
        alnumSegment(p, n, &seg, bs, latinByte, commonByte)
    }

    @inline(never)
    static func alnumSegmentUntracked(_ p: UnsafeBufferPointer<UInt8>, _ n: Int, _ seg: inout AlnumSegment) {
        alnumSegment(p, n, &seg, nil, 0, 0)
    }

    @inline(__always) private mutating func countScript(_ code: Int32, chars: Int) {
        let s = Int(code) & 0xFF
        scriptChars[s] &+= UInt64(chars)
        if docScriptChars[s] == 0 { touchedScripts.append(s) }
        docScriptChars[s] &+= UInt32(truncatingIfNeeded: chars)
    }

    /// Health only (no scripts, words, byte scripts): for the raw text when normalization changed it.
    private func scanHealth(_ p: UnsafeBufferPointer<UInt8>, into r: inout TextScan) -> TextScan {
        let n = p.count
        var i = 0
        var openRun = LongestRun()
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
            openRun.add(scalar, at: i, &r)
            i += len
        }
        openRun.close(&r)
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
