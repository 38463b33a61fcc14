import AIGCCorpus

/// The corpus builder's word hashes (`WordHasher`, for MinHash shingles and contamination n-grams) of a pure-ASCII
/// text, from the word ranges `TextScanner` already found: for ASCII both cut words at the same places (maximal
/// runs of letters and digits), so only the hash has to be computed, not the words found again.
package enum CorpusWordHashes {
    /// Writes the `WordHasher` hash of each of the scanner's `count` words of `text` to `out` (room for `count`).
    /// Only valid when `text` is all ASCII.
    @inline(__always)
    package static func ascii(_ text: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int32>,
                              ends: UnsafeBufferPointer<Int32>, count: Int, into out: UnsafeMutablePointer<UInt64>) {
        for w in 0..<count {
            let s = Int(starts[w]), e = Int(ends[w])
            var h: UInt64 = 0
            for i in s..<e {
                let c = text[i]
                h = (h ^ UInt64(c &- 0x41 < 26 ? c | 0x20 : c)) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
            }
            out[w] = StableHash.scramble(h ^ UInt64(e - s))
        }
    }

    /// The same hashes from the states `TextScanner` computed while scanning (`corpusWordStates`): only the final
    /// mix is left, so the text is not read again. Only valid when the scanned text is all ASCII.
    @inline(__always)
    package static func finish(states: UnsafeBufferPointer<UInt64>, starts: UnsafeBufferPointer<Int32>,
                               ends: UnsafeBufferPointer<Int32>, count: Int, into out: UnsafeMutablePointer<UInt64>) {
        for w in 0..<count {
            out[w] = StableHash.scramble(states[w] ^ UInt64(truncatingIfNeeded: ends[w] &- starts[w]))
        }
    }
}
