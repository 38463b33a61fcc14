import CKernels

/// UTF-8 helpers on raw bytes. Hot paths never go through `String`/`Character` (Swift's `String ==` compares by
/// canonical equivalence, and grapheme breaking is far slower than byte scanning).
public enum UTF8Bytes {
    /// Decodes one scalar at `i` of valid UTF-8. Returns the scalar value and its length in bytes.
    @inlinable @inline(__always)
    public static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
            | UInt32(p[i + 3] & 0x3F), 4)
    }

    /// Appends the UTF-8 encoding of `c`.
    @inlinable @inline(__always)
    public static func append(_ c: UInt32, to out: inout [UInt8]) {
        if c < 0x80 {
            out.append(UInt8(c))
        } else if c < 0x800 {
            out.append(UInt8(0xC0 | (c >> 6))); out.append(UInt8(0x80 | (c & 0x3F)))
        } else if c < 0x10000 {
            out.append(UInt8(0xE0 | (c >> 12))); out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (c >> 18))); out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((c >> 6) & 0x3F))); out.append(UInt8(0x80 | (c & 0x3F)))
        }
    }

    /// Calls `body` with each UTF-16 unit of valid UTF-8 `p[range]` and the UTF-8 offset of its code point (both
    /// units of a surrogate pair get the same offset): the one UTF-8 → UTF-16 conversion (ICU takes UTF-16).
    @inlinable @inline(__always)
    public static func forEachUTF16(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (UInt16, Int) -> Void) {
        var i = range.lowerBound
        while i < range.upperBound {
            let (c, len) = decode(p, at: i)
            if c >= 0x10000 {
                let v = c - 0x10000
                body(UInt16(0xD800 + (v >> 10)), i)
                body(UInt16(0xDC00 + (v & 0x3FF)), i)
            } else {
                body(UInt16(c), i)
            }
            i += len
        }
    }

    /// Length of a valid UTF-8 sequence from its lead byte.
    @inlinable @inline(__always)
    public static func sequenceLength(lead b: UInt8) -> Int {
        b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
    }

    /// Length of the longest prefix of `bytes[from...]` that is a valid UTF-8 sequence for one scalar, or 0 if the
    /// byte at `from` starts no valid sequence ("maximal subpart" rules of Unicode §3.9, as WHATWG and ICU use).
    @inlinable
    public static func validSequenceLength(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (valid: Bool, length: Int) {
        let n = p.count
        let b0 = p[i]
        if b0 < 0x80 { return (true, 1) }
        var need = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return (false, 1)
        }
        var j = 1
        while j <= need {
            guard i + j < n else { return (false, j) }
            let b = p[i + j]
            if j == 1 { if b < lo || b > hi { return (false, 1) } } else if b & 0xC0 != 0x80 { return (false, j) }
            j += 1
        }
        return (true, need + 1)
    }

    /// Length of the prefix of `p` that can be shown while bytes still arrive: all of it but a trailing sequence
    /// that is a valid, incomplete prefix of one scalar (the next bytes may complete it). Bytes that can never
    /// become valid count as complete: they decode to U+FFFD at once instead of being held forever. The one UTF-8
    /// hold-back rule of streamed text (`StreamingDecoder`, the serving engine's `ChoiceDecoder`).
    public static func completePrefixLength(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        let n = p.count
        var i = n - 1
        while i >= 0 && n - i <= 3 && p[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0, p[i] >= 0xC2 && p[i] <= 0xF4 else { return n }
        let (valid, length) = validSequenceLength(p, at: i)
        return !valid && i + length == n ? i : n
    }

    /// Offset of the first byte of the first invalid (or truncated) sequence, or nil when `p` is valid UTF-8: the
    /// project's one validity scan. Same answer as walking `validSequenceLength` sequence by sequence. On a CPU with
    /// AVX2, `ck_utf8_valid_prefix` vouches for the longest prefix it can, 32 bytes per step whatever the script
    /// (~10 GB/s, where the walk below ran 0.5 GB/s on emoji and 0.9 GB/s on the category mix: 3–6% of a one-thread
    /// encode profile), and the walk goes on from there (the tail, or the block around the first error).
    public static func firstInvalid(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let k = p.count >= 64 ? ck_utf8_valid_prefix(base, p.count) : 0
        if k == p.count { return nil }
        return firstInvalidWalk(UnsafeBufferPointer(rebasing: p[k...])).map { k + $0 }
    }

    /// `firstInvalid` by the sequence walk alone: ASCII goes 16 bytes at a time and the common well-formed 2- and
    /// 3-byte sequences (Latin, Cyrillic, CJK…) are checked inline, every lead with its exact second-byte range (the
    /// table of `validSequenceLength`). Package access: the tests compare the vectorized prefix against it.
    package static var vectorizedScan: Bool { ck_utf8_uses_avx2() != 0 }

    package static func firstInvalidWalk(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        let raw = UnsafeRawPointer(base)
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < n {
            while i + 16 <= n
                && (raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) & high == 0 {
                i += 16
            }
            if i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high == 0 { i += 8; continue }
            if i >= n { break }
            // Non-ASCII: stay in this loop while sequences follow each other (CJK text), back to the word-wise
            // ASCII scan at the next ASCII byte.
            while i < n {
                let b0 = base[i]
                if b0 < 0x80 { break }
                if b0 >= 0xE0 && b0 <= 0xEF {
                    // Three bytes; E0 and ED narrow the second byte's range (overlongs, surrogates). E0 leads all of
                    // Indic, Thai and more, so it stays on this inline path too (via the general one: 3x slower).
                    let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                    if i + 2 < n, base[i + 1] >= lo, base[i + 1] <= hi, base[i + 2] & 0xC0 == 0x80 { i += 3; continue }
                    return i
                }
                if b0 >= 0xC2 && b0 <= 0xDF {
                    if i + 1 < n && base[i + 1] & 0xC0 == 0x80 { i += 2; continue }
                    return i
                }
                if b0 >= 0xF0 && b0 <= 0xF4 {
                    // Four bytes (emoji, rare CJK); F0 and F4 narrow the second byte (overlongs, past U+10FFFF).
                    let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80, hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
                    if i + 3 < n, base[i + 1] >= lo, base[i + 1] <= hi, base[i + 2] & 0xC0 == 0x80, base[i + 3] & 0xC0 == 0x80 {
                        i += 4
                        continue
                    }
                    return i
                }
                return i  // a continuation byte, C0, C1 or F5-FF: never a valid lead
            }
            // One ASCII byte (or the end) here; the scan above resumes after it.
            if i < n { i += 1 }
        }
        return nil
    }

    /// `firstInvalid` with the second half scanned on another thread (for inputs of 1 MiB and more; used where the
    /// check is on a command's critical path). Exact: the split offset s is a byte that is not a continuation byte,
    /// so no valid sequence crosses s, a sequence before s that would need byte s is invalid in both views, and when
    /// the first half is valid the sequence walk reaches s exactly — the answer is the first half's, else s + the
    /// second half's. Without such a byte within 4 of the middle the input is invalid there: one walk.
    public static func firstInvalidInHalves(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = p.count
        guard n >= 1 << 20 else { return firstInvalid(p) }
        var s = n / 2
        while s > n / 2 - 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        if p[s] & 0xC0 == 0x80 { return firstInvalid(p) }
        let halves = Parallel.map(2, threads: 2) { h in
            h == 0 ? firstInvalid(UnsafeBufferPointer(rebasing: p[..<s])) : firstInvalid(UnsafeBufferPointer(rebasing: p[s...]))
        }
        if let head = halves[0] { return head }
        return halves[1].map { s + $0 }
    }
}
