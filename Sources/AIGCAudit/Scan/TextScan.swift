/// What one scan of a text found: counts and the byte offset of the first occurrence of each problem (-1: none).
public struct TextScan: Sendable, Equatable {
    public var bytes = 0
    public var chars = 0
    public var words = 0
    public var nonASCII = false
    /// Every non-ASCII scalar (if any) is valid, not a word character here and a separator for the corpus
    /// builder's `WordHasher`: then both cut the same words (the maximal runs of ASCII letters and digits), and
    /// the scanner's `corpusWordStates` give `WordHasher`'s hashes. Set by full scans only.
    public var corpusWordsMatch = true
    /// The text has an ASCII digit, '@' or ':' — without one the PII scrubber finds nothing (it checks the same
    /// first). Set by full scans only.
    public var piiCandidate = false
    public var invalidUTF8 = 0
    public var firstInvalidUTF8 = -1
    public var bidi = 0
    public var firstBidi = -1
    public var zeroWidth = 0
    public var firstZeroWidth = -1
    /// Other format characters (Cf, incl. BOM) and control characters (Cc except tab, LF, CR).
    public var otherControl = 0
    public var firstOtherControl = -1
    public var replacement = 0
    public var firstReplacement = -1
    /// Longest run of one scalar, where it starts, and the scalar.
    public var longestRun = 0
    public var longestRunOffset = -1
    public var longestRunScalar: UInt32 = 0

    public init() {}
}
