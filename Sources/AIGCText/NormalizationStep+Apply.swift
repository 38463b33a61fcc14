import CICU
import AIGCCore

/// Per-application scratch state: UTF-16 buffers and opened transliterators/regexes (ICU handles are not
/// thread-safe, so each application owns its own).
final class StepScratch {
    var in16: [UInt16] = []
    /// Per UTF-16 unit of `in16`, the UTF-8 offset of its code point (`formSegment`).
    var at8: [Int] = []
    var out16: [UInt16] = []
    /// UTF-8 output of `cicu_normalize_utf8` (`FormWriter.normalize`).
    var out8: [UInt8] = []
    var tmp16: [UInt16] = []
    var transliterators: [String: OpaquePointer] = [:]
    var regexes: [String: OpaquePointer] = [:]

    deinit {
        for t in transliterators.values { cicu_translit_close(t) }
        for r in regexes.values { cicu_regex_close(r) }
    }

    func transliterator(_ id: String) throws -> OpaquePointer {
        if let t = transliterators[id] { return t }
        var err: Int32 = 0
        let id16 = Array(id.utf16)
        guard let t = cicu_translit_open(id16, Int32(id16.count), &err) else {
            throw NormalizationError.invalidStep("unknown or invalid transliterator ID '\(id)' (ICU \(String(cString: cicu_error_name(err))))")
        }
        transliterators[id] = t
        return t
    }

    func regex(_ pattern: String) throws -> OpaquePointer {
        if let r = regexes[pattern] { return r }
        var err: Int32 = 0, off: Int32 = -1
        let p16 = Array(pattern.utf16)
        guard let r = cicu_regex_open(p16, Int32(p16.count), 0, &err, &off) else {
            throw NormalizationError.invalidStep("invalid regex '\(pattern)' at offset \(off) (ICU \(String(cString: cicu_error_name(err))))")
        }
        regexes[pattern] = r
        return r
    }
}

public enum NormalizationError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidStep(String)
    case icu(String)
    public var description: String {
        switch self {
        case .invalidStep(let m): return m
        case .icu(let m): return m
        }
    }
}

extension NormalizationStep {
    func apply(_ text: NormalizedText, stats: inout NormalizationStats, scratch: StepScratch) throws -> NormalizedText {
        // Forms write their output only when something changes (NormalizationStep+Form.swift).
        if case .form(let f) = self { return try applyForm(f, text, scratch) ?? text }
        return try text.bytes.withUnsafeBufferPointer { src in
            var b = TextBuilder(capacity: src.count + src.count / 8 + 16, tracking: text.origin != nil)
            let so = text.origin
            switch self {
            case .form: break
            case .lowercase(let locale): try applyCase(src, so, &b, scratch, lower: locale ?? "", fold: nil)
            case .caseFold(let turkic): try applyCase(src, so, &b, scratch, lower: nil, fold: turkic)
            case .stripAccents: try applyStripAccents(src, so, &b, scratch)
            case .removeNonspacingMarks: applyRemoveMn(src, so, &b)
            case .removeControl: applyRemoveControl(src, so, &b, &stats)
            case .formatCharacters(let mode): applyFormat(src, so, &b, &stats, remove: mode == .remove)
            case .whitespace(let map, let collapse, let trim): applyWhitespace(src, so, &b, map: map, collapse: collapse, trim: trim)
            case .newlines: applyNewlines(src, so, &b)
            case .transliterate(let id): try applyTransliterate(id, src, so, &b, scratch)
            case .replace(let pattern, let content): try applyReplace(pattern, content, src, so, &b, &stats, scratch)
            case .strip(let left, let right): applyStrip(src, so, &b, left: left, right: right)
            case .prepend(let s):
                if !src.isEmpty { b.emit(Array(s.utf8), from: 0, srcOrigin: so) }
                b.copy(src, 0..<src.count, srcOrigin: so)
            }
            return NormalizedText(bytes: b.bytes, origin: b.origin, originalLength: text.originalLength)
        }
    }

    // MARK: Case mapping

    /// Words (runs between ASCII whitespace) are the unit: context-sensitive mappings such as Greek final sigma
    /// never look across whitespace. Pure-ASCII words map byte-wise unless the locale is Turkic.
    private func applyCase(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder,
                           _ scratch: StepScratch, lower locale: String?, fold turkic: Bool?) throws {
        let lang = (locale ?? "").lowercased().prefix(2)
        let asciiFast = turkic != true && lang != "tr" && lang != "az"
        let n = src.count
        var i = 0
        while i < n {
            let c = src[i]
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { b.append(c, from: i, srcOrigin: so); i += 1; continue }
            var e = i
            var ascii = true
            while e < n {
                let d = src[e]
                if d == 0x20 || (d >= 0x09 && d <= 0x0D) { break }
                if d >= 0x80 { ascii = false }
                e += 1
            }
            if ascii && asciiFast {
                for k in i..<e {
                    let d = src[k]
                    b.append(d >= 0x41 && d <= 0x5A ? d | 0x20 : d, from: k, srcOrigin: so)
                }
            } else {
                utf16(of: src, i..<e, into: &scratch.in16)
                if let turkic {
                    try icuTransform(scratch.in16, into: &scratch.out16, guess: scratch.in16.count * 3 + 8, context: "u_strFoldCase") {
                        cicu_fold_case($0, $1, $2, $3, turkic ? 1 : 0)
                    }
                } else {
                    let loc = locale ?? ""
                    try loc.withCString { l in
                        try icuTransform(scratch.in16, into: &scratch.out16, guess: scratch.in16.count * 3 + 8, context: "u_strToLower") {
                            cicu_to_lower($0, $1, $2, $3, l)
                        }
                    }
                }
                scratch.out16.withUnsafeBufferPointer { o in b.emitUTF16(o, replacing: i..<e, in: src, srcOrigin: so) }
            }
            i = e
        }
    }

    // MARK: Accents

    private func applyStripAccents(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder,
                                   _ scratch: StepScratch) throws {
        let n = src.count
        var runStart = 0
        var i = 0
        let nfd = NormalizationForm.nfd.icu, nfc = NormalizationForm.nfc.icu
        while i < n {
            if src[i] < 0x80 { i += 1; continue }
            let s = i > runStart ? i - 1 : i
            b.copy(src, runStart..<s, srcOrigin: so)
            var e = i
            while e < n && src[e] >= 0x80 { e += 1 }
            utf16(of: src, s..<e, into: &scratch.in16)
            try icuTransform(scratch.in16, into: &scratch.tmp16, guess: scratch.in16.count * 3 + 8, context: "NFD") {
                cicu_normalize(nfd, $0, $1, $2, $3)
            }
            var kept: [UInt16] = []
            kept.reserveCapacity(scratch.tmp16.count)
            var k = 0
            let d = scratch.tmp16
            while k < d.count {
                var c = UInt32(d[k]); var len = 1
                if (c & 0xFC00) == 0xD800 && k + 1 < d.count { c = 0x10000 + ((c - 0xD800) << 10) + (UInt32(d[k + 1]) - 0xDC00); len = 2 }
                if UnicodeInfo.category(c) != .nonSpacingMark { kept.append(contentsOf: d[k..<(k + len)]) }
                k += len
            }
            try icuTransform(kept, into: &scratch.out16, guess: kept.count + 8, context: "NFC") {
                cicu_normalize(nfc, $0, $1, $2, $3)
            }
            scratch.out16.withUnsafeBufferPointer { o in b.emitUTF16(o, replacing: s..<e, in: src, srcOrigin: so) }
            runStart = e
            i = e
        }
        b.copy(src, runStart..<n, srcOrigin: so)
    }

    private func applyRemoveMn(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder) {
        var i = 0, runStart = 0
        let n = src.count
        while i < n {
            if src[i] < 0x80 { i += 1; continue }
            let (c, len) = UTF8Bytes.decode(src, at: i)
            if UnicodeInfo.category(c) == .nonSpacingMark {
                b.copy(src, runStart..<i, srcOrigin: so)
                runStart = i + len
            }
            i += len
        }
        b.copy(src, runStart..<n, srcOrigin: so)
    }

    // MARK: Controls and format characters

    private func applyRemoveControl(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder,
                                    _ stats: inout NormalizationStats) {
        var i = 0, runStart = 0
        let n = src.count
        while i < n {
            let c = src[i]
            var drop = 0
            if c < 0x20 { if c != 0x09 && c != 0x0A { drop = 1 } }
            else if c == 0x7F { drop = 1 }
            else if c == 0xC2 && i + 1 < n && src[i + 1] >= 0x80 && src[i + 1] <= 0x9F { drop = 2 }
            if drop > 0 {
                b.copy(src, runStart..<i, srcOrigin: so)
                stats.controlRemoved += 1
                i += drop
                runStart = i
            } else {
                i += 1
            }
        }
        b.copy(src, runStart..<n, srcOrigin: so)
    }

    private func applyFormat(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder,
                             _ stats: inout NormalizationStats, remove: Bool) {
        var i = 0, runStart = 0
        let n = src.count
        var prev: UInt32 = 0
        while i < n {
            if src[i] < 0x80 { prev = UInt32(src[i]); i += 1; continue }
            let (c, len) = UTF8Bytes.decode(src, at: i)
            if let cls = FormatCharacterClass.of(c) {
                switch cls {
                case .bidi: stats.bidiFound += 1
                case .zeroWidth: stats.zeroWidthFound += 1
                case .bom: stats.bomFound += 1
                case .other: stats.otherFormatFound += 1
                }
                var keep = !remove
                if remove {
                    if c == 0x200D {
                        // ZWJ joins emoji: keep when between pictographs (optionally after VS16 or a skin tone).
                        let next: UInt32 = i + len < n ? UTF8Bytes.decode(src, at: i + len).scalar : 0
                        let prevEmoji = UnicodeInfo.isExtendedPictographic(prev) || prev == 0xFE0F || (prev >= 0x1F3FB && prev <= 0x1F3FF)
                        keep = prevEmoji && UnicodeInfo.isExtendedPictographic(next)
                    } else if c >= 0xE0020 && c <= 0xE007F {
                        keep = UnicodeInfo.isExtendedPictographic(prev) || (prev >= 0xE0020 && prev <= 0xE007F)
                    }
                }
                if !keep {
                    b.copy(src, runStart..<i, srcOrigin: so)
                    stats.formatRemoved += 1
                    runStart = i + len
                    i += len
                    continue
                }
            }
            prev = c
            i += len
        }
        b.copy(src, runStart..<n, srcOrigin: so)
    }

    // MARK: Whitespace and newlines

    @inline(__always) private static func isHorizontalSpace(_ c: UInt32) -> Bool {
        c == 0x20 || c == 0x09 || (c >= 0x80 && UnicodeInfo.category(c) == .spaceSeparator)
    }

    private func applyWhitespace(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder,
                                 map: Bool, collapse: Bool, trim: Bool) {
        let n = src.count
        var i = 0
        var atLineStart = true
        while i < n {
            let (c, len) = src[i] < 0x80 ? (UInt32(src[i]), 1) : UTF8Bytes.decode(src, at: i)
            if Self.isHorizontalSpace(c) {
                // A run of horizontal whitespace [i, e).
                var e = i + len
                while e < n {
                    let (d, l) = src[e] < 0x80 ? (UInt32(src[e]), 1) : UTF8Bytes.decode(src, at: e)
                    if !Self.isHorizontalSpace(d) { break }
                    e += l
                }
                let atLineEnd = e == n || src[e] == 0x0A
                if trim && (atLineStart || atLineEnd) { i = e; continue }
                if collapse {
                    b.append(0x20, from: i, srcOrigin: so)
                } else {
                    var k = i
                    while k < e {
                        let (d, l) = src[k] < 0x80 ? (UInt32(src[k]), 1) : UTF8Bytes.decode(src, at: k)
                        if map && d >= 0x80 { b.append(0x20, from: k, srcOrigin: so) } else { b.copy(src, k..<(k + l), srcOrigin: so) }
                        k += l
                    }
                }
                i = e
                atLineStart = false
                continue
            }
            b.copy(src, i..<(i + len), srcOrigin: so)
            atLineStart = c == 0x0A
            i += len
        }
    }

    private func applyNewlines(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder) {
        let n = src.count
        var i = 0, runStart = 0
        while i < n {
            let c = src[i]
            if c == 0x0D {
                b.copy(src, runStart..<i, srcOrigin: so)
                b.append(0x0A, from: i, srcOrigin: so)
                i += (i + 1 < n && src[i + 1] == 0x0A) ? 2 : 1
                runStart = i
            } else if c == 0xC2 && i + 1 < n && src[i + 1] == 0x85 {
                b.copy(src, runStart..<i, srcOrigin: so)
                b.append(0x0A, from: i, srcOrigin: so)
                i += 2; runStart = i
            } else if c == 0xE2 && i + 2 < n && src[i + 1] == 0x80 && (src[i + 2] == 0xA8 || src[i + 2] == 0xA9) {
                b.copy(src, runStart..<i, srcOrigin: so)
                b.append(0x0A, from: i, srcOrigin: so)
                i += 3; runStart = i
            } else {
                i += 1
            }
        }
        b.copy(src, runStart..<n, srcOrigin: so)
    }

    // MARK: Transliteration, replace, strip

    private func applyTransliterate(_ id: String, _ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?,
                                    _ b: inout TextBuilder, _ scratch: StepScratch) throws {
        let t = try scratch.transliterator(id)
        let n = src.count
        var i = 0
        while i < n {
            var e = i
            while e < n && src[e] != 0x0A { e += 1 }
            if e > i {
                utf16(of: src, i..<e, into: &scratch.in16)
                var cap = scratch.in16.count * 4 + 16
                var done = false
                for _ in 0..<4 {
                    var buf = scratch.in16
                    buf.append(contentsOf: repeatElement(0, count: cap - buf.count))
                    var len = Int32(scratch.in16.count)
                    let rc = buf.withUnsafeMutableBufferPointer { cicu_translit_apply(t, $0.baseAddress, &len, Int32(cap)) }
                    if rc == 0 {
                        buf.withUnsafeBufferPointer { o in
                            b.emitUTF16(UnsafeBufferPointer(rebasing: o[0..<Int(len)]), replacing: i..<e, in: src, srcOrigin: so)
                        }
                        done = true
                        break
                    }
                    if rc != -15 { throw NormalizationError.icu("transliteration '\(id)' failed: \(String(cString: cicu_error_name(rc)))") }
                    cap *= 4
                }
                if !done { throw NormalizationError.icu("transliteration '\(id)' output too large") }
            }
            if e < n { b.copy(src, e..<(e + 1), srcOrigin: so) }
            i = e + 1
        }
    }

    private func applyReplace(_ pattern: ReplacePattern, _ content: String, _ src: UnsafeBufferPointer<UInt8>,
                              _ so: [Int]?, _ b: inout TextBuilder, _ stats: inout NormalizationStats,
                              _ scratch: StepScratch) throws {
        let rep = Array(content.utf8)
        let n = src.count
        switch pattern {
        case .literal(let s):
            let pat = Array(s.utf8)
            guard !pat.isEmpty else { b.copy(src, 0..<n, srcOrigin: so); return }
            var i = 0, runStart = 0
            while i + pat.count <= n {
                if src[i] == pat[0] && (pat.count == 1 || memcmp(src.baseAddress! + i, pat, pat.count) == 0) {
                    b.copy(src, runStart..<i, srcOrigin: so)
                    b.emit(rep, from: i, srcOrigin: so)
                    stats.replacements += 1
                    i += pat.count
                    runStart = i
                } else {
                    i += 1
                }
            }
            b.copy(src, runStart..<n, srcOrigin: so)
        case .regex(let p):
            let re = try scratch.regex(p)
            // UTF-16 text plus a map from UTF-16 index to UTF-8 offset.
            utf16(of: src, 0..<n, into: &scratch.in16)
            var at8: [Int] = []
            at8.reserveCapacity(scratch.in16.count + 1)
            var i = 0
            while i < n {
                let len = UTF8Bytes.sequenceLength(lead: src[i])
                at8.append(i)
                if len == 4 { at8.append(i) }
                i += len
            }
            at8.append(n)
            let text = scratch.in16
            try text.withUnsafeBufferPointer { t in
                defer { _ = cicu_regex_set_text(re, nil, 0) }
                let set = cicu_regex_set_text(re, t.baseAddress, Int32(t.count))
                if set < 0 { throw NormalizationError.icu("regex '\(p)' failed: \(String(cString: cicu_error_name(set)))") }
                var runStart = 0
                var s: Int32 = 0, e: Int32 = 0
                while true {
                    let rc = cicu_regex_find_next(re, &s, &e)
                    if rc < 0 && cicu_regex_limit_exceeded(rc) != 0 {
                        throw NormalizationError.icu("replace regex '\(p)' exceeded ICU's match time/stack limit (catastrophic backtracking?) at UTF-16 offset \(s); simplify the pattern")
                    }
                    if rc < 0 { throw NormalizationError.icu("regex '\(p)' failed: \(String(cString: cicu_error_name(rc)))") }
                    if rc == 0 { break }
                    if e == s && rep.isEmpty { continue }
                    let s8 = at8[Int(s)], e8 = at8[Int(e)]
                    b.copy(src, runStart..<s8, srcOrigin: so)
                    b.emit(rep, from: min(s8, max(n - 1, 0)), srcOrigin: so)
                    stats.replacements += 1
                    runStart = e8
                }
                b.copy(src, runStart..<n, srcOrigin: so)
            }
        }
    }

    private func applyStrip(_ src: UnsafeBufferPointer<UInt8>, _ so: [Int]?, _ b: inout TextBuilder, left: Bool, right: Bool) {
        var s = 0, e = src.count
        if left {
            while s < e {
                let (c, len) = UTF8Bytes.decode(src, at: s)
                if !UnicodeInfo.isWhiteSpace(c) { break }
                s += len
            }
        }
        if right {
            while e > s {
                var k = e - 1
                while k > s && src[k] & 0xC0 == 0x80 { k -= 1 }
                let (c, _) = UTF8Bytes.decode(src, at: k)
                if !UnicodeInfo.isWhiteSpace(c) { break }
                e = k
            }
        }
        b.copy(src, s..<e, srcOrigin: so)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
