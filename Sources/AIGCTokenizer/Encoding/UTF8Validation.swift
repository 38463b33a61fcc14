import AIGCText

/// Validation of a whole input before it is encoded (`aigc encode` checks 30 MB on the reader thread while the
/// vocabulary loads, and the encoder waits for it: with the cached vocabulary table it became the longest serial
/// step). Same answer as walking `UTF8Bytes.validSequenceLength` sequence by sequence, but ASCII goes 16 bytes at a
/// time and the common well-formed 2- and 3-byte sequences (Latin, Cyrillic, CJK…) are checked inline; only the
/// leads with narrowed ranges (E0, ED, F0–F4) and invalid bytes take the general path.
package enum UTF8Validation {
    /// Offset of the first byte of the first invalid (or truncated) sequence, or nil when `p` is valid UTF-8.
    package static func firstInvalid(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
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
                if (b0 >= 0xE1 && b0 <= 0xEC) || b0 >= 0xEE && b0 <= 0xEF {
                    if i + 2 < n && base[i + 1] & 0xC0 == 0x80 && base[i + 2] & 0xC0 == 0x80 { i += 3; continue }
                    return i
                }
                if b0 >= 0xC2 && b0 <= 0xDF {
                    if i + 1 < n && base[i + 1] & 0xC0 == 0x80 { i += 2; continue }
                    return i
                }
                let (ok, l) = UTF8Bytes.validSequenceLength(p, at: i)
                if !ok { return i }
                i += l
            }
            // One ASCII byte (or the end) here; the scan above resumes after it.
            if i < n { i += 1 }
        }
        return nil
    }
}
