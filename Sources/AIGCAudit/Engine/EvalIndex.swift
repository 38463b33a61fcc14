import AIGCCore
import AIGCCorpus
import AIGCText

/// Word n-grams of evaluation items, remembering which item each n-gram came from, so the audit can say which
/// items a contaminated document hits. Same rules as the corpus builder's `Decontaminator` (its `WordHasher` words;
/// every string of a JSON line, or a non-JSON line, is one text; texts shorter than n words but at least 8 words
/// match as a whole word sequence), so `contaminated_documents` equals what `corpus build --decontaminate` drops.
/// An item is one line of an evaluation file.
public struct EvalIndex: Sendable {
    public let n: Int
    /// n-gram hash → first item holding it.
    private var grams: [UInt64: UInt32] = [:]
    private var shortLengths: Set<Int> = []
    /// `file:line` and an excerpt of each item.
    public private(set) var items: [(location: String, excerpt: String)] = []

    public init(n: Int = 13) { self.n = max(1, n) }

    public var isEmpty: Bool { grams.isEmpty }

    public mutating func addFile(_ path: String, normalizer: TextNormalizer) throws {
        let data = try ChunkReader(path: path).readAll()
        var start = 0
        var line = 0
        while start < data.count {
            var end = start
            while end < data.count && data[end] != 0x0A { end += 1 }
            line += 1
            var slice = Array(data[start..<end])
            if slice.last == 0x0D { slice.removeLast() }
            start = end + 1
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var strings: [[UInt8]] = []
            if slice.first == UInt8(ascii: "{") || slice.first == UInt8(ascii: "["), let v = JSONParser.parse(slice).value {
                Self.collectStrings(v, into: &strings)
            } else {
                strings = [slice]
            }
            let item = UInt32(items.count)
            var added = false
            for s in strings {
                var stats = NormalizationStats()
                let norm = (try? normalizer.normalize(bytes: s, source: path, stats: &stats).bytes) ?? s
                if add(norm, item: item) { added = true }
            }
            if added {
                let preview = strings.max { $0.count < $1.count } ?? slice
                items.append(("\(path):\(line)", Excerpt.around(preview, offset: 0, before: 0, after: 96)))
            }
        }
    }

    static func collectStrings(_ v: JSONValue, into out: inout [[UInt8]]) {
        switch v {
        case .string(let s): out.append(s)
        case .array(let a): for x in a { collectStrings(x, into: &out) }
        case .object(let m): for x in m { collectStrings(x.value, into: &out) }
        default: break
        }
    }

    @inline(__always) static func gram(_ w: ArraySlice<UInt64>) -> UInt64 {
        var h: UInt64 = 0x3c6e_f372_fe94_f82b ^ UInt64(w.count)
        for x in w { h = StableHash.mix(h ^ x, 0x9e37_79b9_7f4a_7c15) }
        return h
    }

    /// Adds one text of `item`; false when it is too short to be matched.
    @discardableResult
    public mutating func add(_ text: [UInt8], item: UInt32) -> Bool {
        var words: [UInt64] = []
        text.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } }
        if words.count < min(n, Decontaminator.minimumShortItemWords) { return false }
        if words.count < n {
            let g = Self.gram(words[...])
            if grams[g] == nil { grams[g] = item }
            shortLengths.insert(words.count)
            return true
        }
        for s in 0...(words.count - n) {
            let g = Self.gram(words[s..<(s + n)])
            if grams[g] == nil { grams[g] = item }
        }
        return true
    }

    /// Items hit by the texts taken as one word stream (each item once, in order of first hit).
    public func hits(_ texts: [[UInt8]], scratch words: inout [UInt64]) -> [UInt32] {
        if grams.isEmpty { return [] }
        words.removeAll(keepingCapacity: true)
        for t in texts { t.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } } }
        var out: [UInt32] = []
        func check(_ len: Int) {
            guard words.count >= len else { return }
            for s in 0...(words.count - len) {
                if let item = grams[Self.gram(words[s..<(s + len)])], !out.contains(item) { out.append(item) }
            }
        }
        check(n)
        for len in shortLengths.sorted() { check(len) }
        return out
    }
}
