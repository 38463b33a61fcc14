/// A frequent n-gram or line. `count` is exact when `error` is 0; otherwise the true count is in
/// `count ... count + error` (lossy counting in bounded memory: rare keys were pruned along the way).
public struct FrequentItem: Codable, Sendable, Equatable {
    public var text: String
    public var count: UInt64
    public var error: UInt64
}

/// Most frequent word n-grams (words lowercased for counting; the first occurrence's spelling is shown).
public struct TopNGramsReport: Codable, Sendable, Equatable {
    public var unigrams: [FrequentItem] = []
    public var bigrams: [FrequentItem] = []
    public var trigrams: [FrequentItem] = []
}
