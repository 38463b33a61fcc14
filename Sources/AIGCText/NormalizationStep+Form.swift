import CICU
import AIGCCore

extension NormalizationStep {
    /// Applies a normalization form by scanning UTF-8 bytes and copying through everything normalization cannot
    /// change; only the pieces that can change go to ICU. The result is byte-identical to ICU normalizing the
    /// whole text, because:
    ///
    /// 1. **Pieces.** The text is cut before every code point with a normalization boundary before it
    ///    (`unorm2_hasBoundaryBefore`, recorded in `QuickCheckTable`; every ASCII character has one). ICU
    ///    documents that text before such a code point and text starting from it "can be normalized
    ///    independently", so the normalization of the text is the concatenation of its pieces' normalizations,
    ///    and any run of consecutive pieces may be normalized as one string (that is how dirty pieces are merged).
    /// 2. **Clean pieces are already normalized.** A piece is clean when every code point in it is quick-check YES
    ///    on its own and the non-zero canonical combining classes never decrease between two class-0 characters.
    ///    That is exactly the quick-check algorithm of UAX #15 (and of ICU's `spanQuickCheckYes`): a string whose
    ///    quick check is YES is its own normalization. A clean piece is therefore copied unchanged.
    /// 3. **"Maybe" characters** (they may compose with a preceding starter: Bengali and Tamil vowel signs
    ///    U+09BE, U+0BBE, Hangul vowel and trailing jamo, U+3099, nukta, many combining marks) keep a piece clean
    ///    when they cannot compose. Canonical composition (UAX #15) joins a character C to the last starter S
    ///    before it only when C is not blocked (no character between them has class 0 or a class ≥ C's) and S + C
    ///    has a primary composite (`unorm2_composePair`, which covers Hangul and leaves out exclusions). In a piece
    ///    that is clean so far nothing has composed, so S is the last class-0 character as written and the classes
    ///    between S and C do not decrease: C is unblocked exactly when the class of the character before it is 0
    ///    (it is S) or, for C of class > 0, lower than C's. If unblocked and S + C composes, the piece is dirty;
    ///    otherwise C stays as it is and, of class 0, becomes the new starter.
    /// 4. **Everything else goes to ICU**: a piece with a "no"/"maybe" code point (a combining mark that may
    ///    compose backward, a compatibility character, a Hangul jamo, U+3099 after kana …) or with combining
    ///    marks out of canonical order is normalized by `unorm2_normalize`, together with the dirty pieces that
    ///    follow it, from the start of its piece (the last boundary before it) to the start of the next clean
    ///    piece. A dirty code point without a boundary before it makes its whole piece dirty, back to the
    ///    boundary, so a mark after a clean base character takes the base with it.
    /// 5. **NFKC_Casefold and ASCII.** Uppercase ASCII letters change (they fold to lowercase). A piece that is one
    ///    uppercase ASCII letter alone folds to its lowercase letter (that is its full NFKC_Casefold mapping, and
    ///    the next piece starts at a boundary), so clean copies lowercase A–Z byte-wise; an uppercase letter
    ///    followed by anything without a boundary before it makes its piece dirty.
    ///
    /// The table comes from ICU's own Normalizer2 instance of the form, so the version of Unicode is ICU's.
    /// Invalid UTF-8 cannot reach this step (the pipeline applies its `InvalidUTF8Policy` first); a malformed
    /// byte would only make its piece dirty (bounds are checked either way).
    ///
    /// With `requireValid`, the scan also checks that the text is well-formed UTF-8 (every sequence with the exact
    /// byte ranges of `UTF8Bytes.firstInvalid`) and returns nil at the first malformed sequence, so a pipeline that
    /// starts with a form can skip its separate validity scan and fall back to it only for invalid input.
    func applyForm(_ form: NormalizationForm, _ text: NormalizedText, _ scratch: StepScratch,
                   requireValid: Bool = false) throws -> NormalizedText? {
        let scan = try text.bytes.withUnsafeBufferPointer {
            try Self.formScan(form, $0, origin: text.origin, scratch, requireValid: requireValid)
        }
        switch scan {
        case .invalid: return nil
        case .unchanged: return text
        case .changed(let out):
            return NormalizedText(bytes: out.bytes, origin: out.origin, originalLength: text.originalLength)
        }
    }

    /// The outcome of `formScan`.
    enum FormScan {
        /// Malformed UTF-8 was found (only with `requireValid`).
        case invalid
        /// Normalization leaves the input as it is (nothing was copied).
        case unchanged
        /// The normalized text (with its alignment when `origin` was given).
        case changed(TextBuilder)
    }

    /// `applyForm` on raw bytes: the scan works on any buffer, so a streamed chunk's pieces are normalized where
    /// they lie, without first copying each into an array of its own (`TextNormalizer.normalize(piece:)`).
    static func formScan(_ form: NormalizationForm, _ src: UnsafeBufferPointer<UInt8>, origin: [Int]?,
                         _ scratch: StepScratch, requireValid: Bool) throws -> FormScan {
        guard let table = QuickCheckTable(form) else {
            throw NormalizationError.icu("no quick-check table for form \(form.rawValue)")
        }
        let fold = form == .nfkcCasefold
        let icuForm = form.icu
        do {
            let n = src.count
            guard n > 0, let p = src.baseAddress else { return .unchanged }
            var w = FormWriter(src: src, srcOrigin: origin, fold: fold)
            // NFKC_Casefold changes uppercase ASCII, which the scan treats as clean: always write the output.
            if fold { w.start() }
            var piece = 0               // start of the current piece (its code point has a boundary before it)
            var clean = true            // the current piece is so far quick-check YES
            var upper = false           // the current piece starts with an uppercase ASCII letter (NFKC_Casefold)
            var lastCC: UInt8 = 0       // combining class of the previous code point in the piece
            var starter = UInt32.max    // the last class-0 code point (UInt32.max: none yet)
            var dirtyStart = -1         // start of the pending run of dirty pieces, or -1
            var i = 0
            while i < n {
                let b0 = p[i]
                if b0 < 0x80 {
                    // A run of ASCII: every character is a clean piece of its own.
                    if !clean {
                        if dirtyStart < 0 { dirtyStart = piece }
                    } else if dirtyStart >= 0 {
                        try w.normalize(dirtyStart..<piece, icuForm, scratch)
                        dirtyStart = -1
                    }
                    var j = i + 1
                    while j + 8 <= n && UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                        j += 8
                    }
                    while j < n && p[j] < 0x80 { j += 1 }
                    if dirtyStart >= 0 && j - i >= 2 {
                        // The piece at i is complete and clean: the dirty run ends there.
                        try w.normalize(dirtyStart..<i, icuForm, scratch)
                        dirtyStart = -1
                    }
                    piece = j - 1
                    clean = true
                    lastCC = 0
                    upper = fold && p[j - 1] &- 0x41 < 26
                    starter = UInt32(p[j - 1])
                    i = j
                    continue
                }
                // Decode one sequence, checking it is well-formed (the second byte's exact range per lead).
                var c: UInt32 = 0xFFFD
                var len = 1
                if b0 >= 0xC2 && b0 < 0xE0 {
                    if i + 1 < n && p[i + 1] & 0xC0 == 0x80 { c = UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F); len = 2 }
                } else if b0 >= 0xE0 && b0 < 0xF0 {
                    if i + 2 < n {
                        let b1 = p[i + 1], lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                        if b1 >= lo && b1 <= hi && p[i + 2] & 0xC0 == 0x80 {
                            c = UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
                            len = 3
                        }
                    }
                } else if b0 >= 0xF0 && b0 < 0xF5 {
                    if i + 3 < n {
                        let b1 = p[i + 1], lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80, hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
                        if b1 >= lo && b1 <= hi && p[i + 2] & 0xC0 == 0x80 && p[i + 3] & 0xC0 == 0x80 {
                            c = UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                                | UInt32(p[i + 3] & 0x3F)
                            len = 4
                        }
                    }
                }
                if len == 1 && requireValid { return .invalid }
                let v = len == 1 ? QuickCheckTable.dirty : table.entry(c)
                if v == QuickCheckTable.starter || v == QuickCheckTable.dirtyStarter {
                    if !clean {
                        if dirtyStart < 0 { dirtyStart = piece }
                    } else if dirtyStart >= 0 {
                        try w.normalize(dirtyStart..<piece, icuForm, scratch)
                        dirtyStart = -1
                    }
                    piece = i
                    clean = v == QuickCheckTable.starter
                    upper = false
                    lastCC = 0
                    starter = c
                } else if v == QuickCheckTable.dirty {
                    clean = false
                } else if v == QuickCheckTable.maybeCC0 {
                    if clean && (upper || (lastCC == 0 && starter != .max && table.composes(starter, c))) {
                        clean = false
                    }
                    lastCC = 0
                    starter = c
                } else if v == QuickCheckTable.maybeCC {
                    if clean {
                        if let cc = table.combiningClass(c), cc != 0, !upper, lastCC <= cc {
                            if lastCC < cc && starter != .max && table.composes(starter, c) { clean = false }
                            lastCC = cc
                        } else {
                            clean = false
                        }
                    }
                } else {
                    let cc = v == QuickCheckTable.followerCC0 ? 0 : v
                    if upper || (cc != 0 && lastCC > cc) { clean = false }
                    lastCC = cc
                    if cc == 0 { starter = c }
                }
                i += len
            }
            if !clean {
                try w.normalize((dirtyStart < 0 ? piece : dirtyStart)..<n, icuForm, scratch)
            } else if dirtyStart >= 0 {
                try w.normalize(dirtyStart..<piece, icuForm, scratch)
            }
            guard w.started else { return .unchanged }
            w.copyClean(upTo: n)
            return .changed(w.out)
        }
    }
}
