import AIGCCore
import AIGCText
import CKernels

/// The one index of evaluation texts' word n-grams (13-grams by default, as in GPT-3's and Llama's reports): it
/// serves the corpus builder's decontamination (`RecordCleaner.decontaminator`: is a record contaminated?) and the audit's
/// contamination check (which items does a document hit?). Words are `WordHasher`'s; an evaluation file is read
/// as lines, each an item: every string value of a JSON line (or the whole of a non-JSON line) is one text; texts
/// shorter than n words but at least `minimumShortItemWords` match as a whole word sequence, so short eval items
/// are still caught. Each n-gram remembers the first item that holds it.
public struct NGramIndex: Sendable {
    public let n: Int
    /// n-gram hash → first item holding it (open addressing, linear probing; key 0 = empty, a real 0 is stored
    /// as 1). Small (evaluation sets are), so lookups stay in cache; no per-lookup SipHash as with `Dictionary`.
    private var keys = [UInt64](repeating: 0, count: 64)
    private var values = [UInt32](repeating: 0, count: 64)
    private var used = 0
    /// Bloom filter over the keys (two bits per key, both in one 64-bit word so a check is one load; about 16 bits
    /// per key): nearly every window of a training document is absent from the evaluation set, and this answers
    /// that from cache without touching `keys`.
    private var bloom = [UInt64](repeating: 0, count: 64)
    /// Lengths of the short items (fewer than n words), ascending.
    public private(set) var shortLengths: [Int] = []
    /// Items added (lines with at least one text long enough to match).
    public private(set) var itemCount = 0
    /// Texts added (long enough to match).
    public private(set) var texts = 0
    /// Texts with fewer than `minimumShortItemWords` words: too short to match without false positives.
    public private(set) var skippedShortTexts = 0
    public static let minimumShortItemWords = 8

    public init(n: Int = 13) { self.n = max(1, n) }

    public var isEmpty: Bool { used == 0 }

    /// Adds an evaluation file (plain text, JSONL, or `.gz` of either), one item per non-blank line. `onItem` gets
    /// each added item's `file:line` and its longest text (for reports), in item order.
    public mutating func addFile(_ path: String, normalizer: TextNormalizer,
                                 onItem: (_ location: String, _ longestText: [UInt8]) -> Void = { _, _ in }) throws {
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
                v.collectStrings(into: &strings)
            } else {
                strings = [slice]
            }
            let item = UInt32(itemCount)
            var added = false
            for s in strings {
                var stats = NormalizationStats()
                let norm: [UInt8]
                do {
                    norm = try normalizer.normalize(bytes: s, source: path, stats: &stats).bytes
                } catch {
                    throw AIGCError.input(location: "\(path):\(line)", message: "normalization failed: \(error)")
                }
                if add(norm, item: item) { added = true }
            }
            if added {
                itemCount += 1
                onItem("\(path):\(line)", strings.max { $0.count < $1.count } ?? slice)
            }
        }
    }

    /// Base of the polynomial n-gram hash: Σ wᵢ·Pⁿ⁻¹⁻ⁱ (mod 2⁶⁴) over the word hashes wᵢ, so the hash of the
    /// next window costs one multiply-add (`roll`) whatever n is. Word hashes are already well mixed 64-bit
    /// values, and the sum is scrambled with the length before use.
    static let base: UInt64 = 0x9e37_79b9_7f4a_7c15

    @inline(__always) static func finish(_ h: UInt64, _ len: Int) -> UInt64 {
        StableHash.scramble(h ^ UInt64(len) &* 0x3c6e_f372_fe94_f82b)
    }

    static func power(_ len: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<max(0, len - 1) { p = p &* base }
        return p
    }

    /// Calls `body` with the hash of every window of `len` consecutive words.
    @inline(__always) static func forEachGram(_ w: UnsafeBufferPointer<UInt64>, _ len: Int, _ body: (UInt64) -> Void) {
        guard len > 0, w.count >= len else { return }
        let top = power(len)
        var h: UInt64 = 0
        for i in 0..<len { h = h &* base &+ w[i] }
        body(finish(h, len))
        var s = 0
        while s + len < w.count {
            h = (h &- w[s] &* top) &* base &+ w[s + len]
            s += 1
            body(finish(h, len))
        }
    }

    /// The key's Bloom word (index into `bloom`, `mask` = its count − 1) and its two bits there.
    @inline(__always) static func bloomBits(_ key: UInt64, _ mask: Int) -> (word: Int, bits: UInt64) {
        (Int(truncatingIfNeeded: key >> 20) & mask, 1 << (key & 63) | 1 << ((key >> 6) & 63))
    }

    /// The item of `rawKey`, after its Bloom word (`bloomWord`, already loaded) said it may be present.
    @inline(__always) private func find(_ rawKey: UInt64, bloomWord: UInt64) -> UInt32? {
        let key = rawKey == 0 ? 1 : rawKey
        let bits = Self.bloomBits(key, 0).bits
        if bloomWord & bits != bits { return nil }
        let mask = keys.count - 1
        return keys.withUnsafeBufferPointer { k in
            var i = Int(truncatingIfNeeded: key >> 40) & mask
            while true {
                let x = k[i]
                if x == key { return values[i] }
                if x == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func setBloom(_ rawKey: UInt64) {
        let key = rawKey == 0 ? 1 : rawKey
        let (w, bits) = Self.bloomBits(key, bloom.count - 1)
        bloom[w] |= bits
    }

    /// Maps `key` to `item` unless it is already present.
    private mutating func insert(_ rawKey: UInt64, _ item: UInt32) {
        let key = rawKey == 0 ? 1 : rawKey
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key >> 40) & mask
        while keys[i] != 0 {
            if keys[i] == key { return }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = item
        used += 1
        if used * 16 > bloom.count * 64 {
            bloom = [UInt64](repeating: 0, count: bloom.count * 2)
            for k in keys where k != 0 { setBloom(k) }
        } else {
            setBloom(key)
        }
        if used * 2 > keys.count {
            let (oldKeys, oldValues) = (keys, values)
            keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
            values = [UInt32](repeating: 0, count: oldKeys.count * 2)
            used = 0
            for j in oldKeys.indices where oldKeys[j] != 0 { insert(oldKeys[j], oldValues[j]) }
        }
    }

    /// Adds one text of `item`; false when it is too short to be matched.
    @discardableResult
    public mutating func add(_ text: [UInt8], item: UInt32 = 0) -> Bool {
        var words: [UInt64] = []
        text.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } }
        if words.count < min(n, Self.minimumShortItemWords) { skippedShortTexts += 1; return false }
        texts += 1
        let len = min(words.count, n)
        var grams: [UInt64] = []
        words.withUnsafeBufferPointer { w in Self.forEachGram(w, len) { grams.append($0) } }
        for g in grams { insert(g, item) }
        if len < n && !shortLengths.contains(len) {
            shortLengths.append(len)
            shortLengths.sort()
        }
        return true
    }

    /// True when the texts, taken as one word stream, share an n-gram (or a short item's whole word sequence)
    /// with the index; stops at the first hit.
    public func contains(_ texts: [[UInt8]]) -> Bool {
        if used == 0 { return false }
        var words: [UInt64] = []
        for t in texts { t.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } } }
        return words.withUnsafeBufferPointer { w in
            var out: [UInt32] = []
            if hits(w, n, &out, first: true) { return true }
            for len in shortLengths where hits(w, len, &out, first: true) { return true }
            return false
        }
    }

    /// Items hit by the texts taken as one word stream (each item once, in order of first hit).
    public func hits(_ texts: [[UInt8]], scratch words: inout [UInt64]) -> [UInt32] {
        if used == 0 { return [] }
        words.removeAll(keepingCapacity: true)
        for t in texts { t.withUnsafeBufferPointer { p in WordHasher.forEachWord(p) { words.append($0) } } }
        return words.withUnsafeBufferPointer { hits(words: $0) }
    }

    /// Items hit by a word stream already hashed by `WordHasher`.
    public func hits(words w: UnsafeBufferPointer<UInt64>) -> [UInt32] {
        if used == 0 { return [] }
        var out: [UInt32] = []
        hits(w, n, &out, first: false)
        for len in shortLengths { hits(w, len, &out, first: false) }
        return out
    }

    /// Items hit by the windows of `len` words (`forEachGram`'s hashes), appended to `out` once each; with
    /// `first`, stops at the first hit. True when any window hit. A second rolling hash runs a few windows ahead
    /// to load their Bloom words early, so the check of each window rarely waits for memory.
    @discardableResult
    private func hits(_ w: UnsafeBufferPointer<UInt64>, _ len: Int, _ out: inout [UInt32], first: Bool) -> Bool {
        guard len > 0, w.count >= len else { return false }
        var hit = false
        let top = Self.power(len)
        let windows = w.count - len + 1
        let ahead = min(8, windows - 1)
        bloom.withUnsafeBufferPointer { f in
            guard let fb = f.baseAddress else { return }
            let mask = f.count - 1
            var h: UInt64 = 0
            for i in 0..<len { h = h &* Self.base &+ w[i] }
            var hAhead = h
            for s in 0..<ahead {
                hAhead = (hAhead &- w[s] &* top) &* Self.base &+ w[s + len]
                ck_prefetch(fb + Self.bloomBits(Self.normalizedKey(Self.finish(hAhead, len)), mask).word)
            }
            var s = 0
            while true {
                let g = Self.normalizedKey(Self.finish(h, len))
                if let item = find(g, bloomWord: fb[Self.bloomBits(g, mask).word]) {
                    hit = true
                    if first { return }
                    if !out.contains(item) { out.append(item) }
                }
                let a = s + ahead
                if a + 1 < windows {
                    hAhead = (hAhead &- w[a] &* top) &* Self.base &+ w[a + len]
                    ck_prefetch(fb + Self.bloomBits(Self.normalizedKey(Self.finish(hAhead, len)), mask).word)
                }
                if s + 1 >= windows { break }
                h = (h &- w[s] &* top) &* Self.base &+ w[s + len]
                s += 1
            }
        }
        return hit
    }

    @inline(__always) static func normalizedKey(_ k: UInt64) -> UInt64 { k == 0 ? 1 : k }
}
