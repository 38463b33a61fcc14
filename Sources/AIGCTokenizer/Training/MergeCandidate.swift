/// One candidate merge in the queue: a count snapshot, the pair, and the entry that owns its word list.
package struct MergeCandidate {
    package var count: UInt64
    package var pair: UInt64
    package var entry: UInt32

    /// Whether `self` is popped before `other`: higher count first, then the smaller (left id, right id) — HF's
    /// `Merge` ordering — then the older entry. Equal (count, pair) entries are a tie HF itself leaves to hash
    /// order; the older-first rule makes ours reproducible.
    @inline(__always)
    func precedes(_ other: MergeCandidate) -> Bool {
        if count != other.count { return count > other.count }
        if pair != other.pair { return pair < other.pair }
        return entry < other.entry
    }
}
