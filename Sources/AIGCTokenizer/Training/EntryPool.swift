/// Word lists (word header offsets) of merge candidates in one pool. A candidate's list is dead once it is merged or
/// dropped; `compact()` reclaims dead space so the pool stays proportional to the live lists.
struct EntryPool {
    var words: [UInt32] = []
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var live: [Bool] = []
    private var liveWords = 0

    mutating func addEntry(offset: Int, length: Int) -> UInt32 {
        offsets.append(offset); lengths.append(Int32(length)); live.append(true)
        liveWords += length
        return UInt32(offsets.count - 1)
    }

    func range(_ e: UInt32) -> (Int, Int) { (offsets[Int(e)], Int(lengths[Int(e)])) }

    mutating func kill(_ e: UInt32) {
        if live[Int(e)] { live[Int(e)] = false; liveWords -= Int(lengths[Int(e)]) }
    }

    var shouldCompact: Bool { words.count > 2 * liveWords + (1 << 22) }

    mutating func compact() {
        var out = [UInt32]()
        out.reserveCapacity(liveWords + (1 << 20))
        for e in 0..<offsets.count where live[e] {
            let o = offsets[e], n = Int(lengths[e])
            offsets[e] = out.count
            out.append(contentsOf: words[o..<(o + n)])
        }
        words = out
    }
}
