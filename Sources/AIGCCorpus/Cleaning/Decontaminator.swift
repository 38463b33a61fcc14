import AIGCCore
import AIGCText

/// N-gram decontamination (13-grams of words by default, as in GPT-3's and Llama's reports): a record is
/// contaminated when it shares any word n-gram with an evaluation text. Evaluation files are read as JSONL
/// (every string value of each JSON line is text) or, for non-JSON lines, as plain text; texts shorter than n
/// words (but at least 8) contribute their whole word sequence as one n-gram so short eval items are still caught.
public struct Decontaminator: Sendable {
    public let n: Int
    public private(set) var grams: Set<UInt64> = []
    /// Number of evaluation texts loaded.
    public private(set) var texts = 0

    public init(n: Int = 13) { self.n = max(1, n) }

    /// Adds an evaluation file (plain text, JSONL, or `.gz` of either).
    public mutating func addFile(_ path: String, normalizer: TextNormalizer) throws {
        let reader = try ChunkReader(path: path)
        let data = try reader.readAll()
        var start = 0
        var line = 0
        while start <= data.count {
            var end = start
            while end < data.count && data[end] != 0x0A { end += 1 }
            line += 1
            let slice = Array(data[start..<end])
            if !RecordParser.isBlank(slice) {
                var strings: [[UInt8]] = []
                if slice.first == UInt8(ascii: "{") || slice.first == UInt8(ascii: "["),
                   let v = JSONParser.parse(slice).value {
                    v.collectStrings(into: &strings)
                } else {
                    strings = [slice]
                }
                for s in strings {
                    var stats = NormalizationStats()
                    do {
                        add(try normalizer.normalize(bytes: s, source: path, stats: &stats).bytes)
                    } catch {
                        throw AIGCError.input(location: "\(path):\(line)", message: "normalization failed: \(error)")
                    }
                }
            }
            start = end + 1
        }
    }

    /// Adds one evaluation text.
    public mutating func add(_ text: [UInt8]) {
        var words: [UInt64] = []
        text.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } }
        if words.count < min(n, Self.minimumShortItemWords) { skippedShortTexts += 1; return }
        texts += 1
        if words.count < n {
            grams.insert(Self.gram(words[...]))
            shortLengths.insert(words.count)
            return
        }
        for s in 0...(words.count - n) { grams.insert(Self.gram(words[s..<(s + n)])) }
    }

    @inline(__always) static func gram(_ w: ArraySlice<UInt64>) -> UInt64 {
        var h: UInt64 = 0x3c6ef372fe94f82b ^ UInt64(w.count)
        for x in w { h = StableHash.mix(h ^ x, 0x9e3779b97f4a7c15) }
        return h
    }

    public var isEmpty: Bool { grams.isEmpty }

    /// True when the texts (one word stream) share an n-gram with the evaluation set. Short eval items (fewer
    /// than n words) match as a contiguous word sequence of their own length.
    public func isContaminated(_ texts: [[UInt8]]) -> Bool {
        if grams.isEmpty { return false }
        var words: [UInt64] = []
        for t in texts { t.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } } }
        if words.isEmpty { return false }
        if words.count >= n {
            for s in 0...(words.count - n) where grams.contains(Self.gram(words[s..<(s + n)])) { return true }
        }
        if shortLengths.isEmpty { return false }
        for len in shortLengths where len <= words.count {
            for s in 0...(words.count - len) where grams.contains(Self.gram(words[s..<(s + len)])) { return true }
        }
        return false
    }

    /// Word counts of eval items shorter than n (each needs its own window size).
    public private(set) var shortLengths: Set<Int> = []
    /// Eval texts with fewer than `minimumShortItemWords` words: too short to match without false positives.
    public private(set) var skippedShortTexts = 0
    public static let minimumShortItemWords = 8
}
