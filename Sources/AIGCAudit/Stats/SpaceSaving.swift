/// The space-saving summary (Metwally, Agrawal, El Abbadi 2005) with weighted updates: keeps at most `capacity`
/// keys; a new key replaces the least counted one and inherits its count as its error bound. Any key with true
/// count above N/capacity is guaranteed present; reported counts overestimate by at most `error`, and are exact
/// (error 0) while the summary never filled. Memory is O(capacity) whatever the input size. A min-heap on counts
/// with a key → position map makes each update O(log capacity).
public struct SpaceSaving: Sendable {
    public let capacity: Int
    private var heapKeys: [UInt64] = []
    private var heapCounts: [UInt64] = []
    private var heapErrors: [UInt64] = []
    private var heapTexts: [[UInt8]] = []
    private var position: [UInt64: Int] = [:]

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { heapKeys.count }

    public mutating func add(_ key: UInt64, count c: UInt64, text: [UInt8]) {
        if let p = position[key] {
            heapCounts[p] &+= c
            siftDown(p)
            return
        }
        if heapKeys.count < capacity {
            heapKeys.append(key); heapCounts.append(c); heapErrors.append(0); heapTexts.append(text)
            position[key] = heapKeys.count - 1
            siftUp(heapKeys.count - 1)
            return
        }
        let floor = heapCounts[0]
        position[heapKeys[0]] = nil
        heapKeys[0] = key; heapCounts[0] = floor &+ c; heapErrors[0] = floor; heapTexts[0] = text
        position[key] = 0
        siftDown(0)
    }

    /// Folds a batch's exact counts in (in the table's deterministic order).
    public mutating func add(_ table: CountTable) {
        for e in table.sortedEntries() { add(e.key, count: e.count, text: e.text) }
    }

    /// The `k` most counted entries: count descending, then text, then key.
    public func top(_ k: Int, minimumCount: UInt64 = 1) -> [(key: UInt64, count: UInt64, error: UInt64, text: [UInt8])] {
        var idx = Array(0..<heapKeys.count).filter { heapCounts[$0] >= minimumCount }
        idx.sort {
            if heapCounts[$0] != heapCounts[$1] { return heapCounts[$0] > heapCounts[$1] }
            if heapTexts[$0] != heapTexts[$1] { return heapTexts[$0].lexicographicallyPrecedes(heapTexts[$1]) }
            return heapKeys[$0] < heapKeys[$1]
        }
        return idx.prefix(k).map { (heapKeys[$0], heapCounts[$0], heapErrors[$0], heapTexts[$0]) }
    }

    @inline(__always) private func less(_ a: Int, _ b: Int) -> Bool {
        heapCounts[a] != heapCounts[b] ? heapCounts[a] < heapCounts[b] : heapKeys[a] < heapKeys[b]
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        heapKeys.swapAt(a, b); heapCounts.swapAt(a, b); heapErrors.swapAt(a, b); heapTexts.swapAt(a, b)
        position[heapKeys[a]] = a
        position[heapKeys[b]] = b
    }

    private mutating func siftUp(_ i: Int) {
        var c = i
        while c > 0 {
            let p = (c - 1) / 2
            if less(c, p) { swapAt(c, p); c = p } else { break }
        }
    }

    private mutating func siftDown(_ i: Int) {
        var p = i
        let n = heapKeys.count
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < n && less(l, m) { m = l }
            if r < n && less(r, m) { m = r }
            if m == p { return }
            swapAt(p, m)
            p = m
        }
    }
}
