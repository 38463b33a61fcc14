import AIGCCore
import Foundation

/// Many short texts (one document per line, a batch of records): encoded in groups of consecutive documents, so a
/// thread encodes a whole group with one scratch (its caches warm, no pool lock per document) into one buffer
/// (one allocation per group instead of one per document), and groups are handed over in order while later ones
/// are still being encoded.
extension Tokenizer {
    /// About this much text per group: large enough that a group's fixed costs (taking a scratch, two arrays,
    /// one hand-over) vanish, small enough for at least a few groups per thread on a few hundred KiB.
    static let documentGroupBytes = 1 << 16
    /// At most this many documents per group (many empty lines are cheap bytes but not free).
    static let documentGroupCount = 4096

    /// The ids of consecutive documents: `ids` holds them concatenated, document `first + k` ends at `ends[k]`
    /// (it starts where document `first + k - 1` ends, or at 0).
    public struct DocumentGroup: Sendable {
        public let first: Int
        public let ids: [UInt32]
        public let ends: [Int]

        /// The ids of the `k`-th document of the group.
        public func ids(of k: Int) -> ArraySlice<UInt32> { ids[(k == 0 ? 0 : ends[k - 1])..<ends[k]] }
    }

    /// Encodes every range of `bytes` as a text of its own, each exactly as `encodeOrdinary(bytes:)` would, on
    /// `threads` threads; `emit` gets the groups in document order (one thread at a time) as soon as each and all
    /// before it are done. The groups never depend on the thread count. `emit`'s first error stops the run and is
    /// rethrown; so is a pre-tokenizer failure (`checkPreTokenizer`). `bytes` must be valid UTF-8.
    public func encodeOrdinaryDocuments(bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>],
                                        emit: (DocumentGroup) throws -> Void) throws {
        let groups = Tokenizer.documentGroups(ranges.lazy.map(\.count))
        let single = oneThread
        try core.model.scratchPool.stream(count: groups.count, threads: threads, { g, scratch -> DocumentGroup in
            let a = g == 0 ? 0 : groups[g - 1]
            var out: [UInt32] = []
            var ends: [Int] = []
            ends.reserveCapacity(groups[g] - a)
            for r in ranges[a..<groups[g]] {
                single.encodeDocument(UnsafeBufferPointer(rebasing: bytes[r]), into: &out, scratch: scratch)
                ends.append(out.count)
            }
            return DocumentGroup(first: a, ids: out, ends: ends)
        }, emit: { group in
            try checkPreTokenizer()
            try emit(group)
        })
        try checkPreTokenizer()
    }

    /// This tokenizer on one thread. A `let` for the workers' closures: calling a method of a captured `var`
    /// copies the struct (a retain and a release of each of its references) per document.
    var oneThread: Tokenizer {
        var t = self
        t.threads = 1
        return t
    }

    /// `encodeOrdinary` of many texts in parallel, grouped as `encodeOrdinaryDocuments` groups them; results in
    /// input order, identical for any thread count.
    public func encodeOrdinaryBatch(_ texts: [String]) -> [[UInt32]] {
        let groups = Tokenizer.documentGroups(texts.lazy.map(\.utf8.count))
        let single = oneThread
        var all: [[UInt32]] = []
        all.reserveCapacity(texts.count)
        try? core.model.scratchPool.stream(count: groups.count, threads: threads, ahead: Int.max, { g, scratch -> [[UInt32]] in
            let a = g == 0 ? 0 : groups[g - 1]
            var out: [[UInt32]] = []
            out.reserveCapacity(groups[g] - a)
            var ids: [UInt32] = []
            for i in a..<groups[g] {
                var s = texts[i]
                ids.removeAll(keepingCapacity: true)
                s.withUTF8 { single.encodeDocument($0, into: &ids, scratch: scratch) }
                out.append(ids)
            }
            return out
        }, emit: { all.append(contentsOf: $0) })
        return all
    }

    /// One document with this thread's scratch: through the normalizer when there is one (as `encodeOrdinary`),
    /// else straight to pre-tokenization and BPE.
    @inline(__always)
    func encodeDocument(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: BPEScratch) {
        if core.normalizer != nil {
            out.append(contentsOf: encodeOrdinary(bytes: p))
        } else {
            encodeSegment(p, into: &out, scratch: scratch)
        }
    }

    /// End indices (exclusive) of the groups of consecutive documents with the given sizes: a group closes once
    /// it holds `documentGroupBytes` bytes or `documentGroupCount` documents. Depends on the sizes only.
    static func documentGroups(_ sizes: some Collection<Int>) -> [Int] {
        var ends: [Int] = []
        var bytes = 0, count = 0, i = 0
        for n in sizes {
            bytes += n + 1
            count += 1
            i += 1
            if bytes >= documentGroupBytes || count >= documentGroupCount {
                ends.append(i)
                bytes = 0
                count = 0
            }
        }
        if count > 0 { ends.append(i) }
        return ends
    }

    /// The lines of a text: ranges between `\n` bytes (the `\n` excluded; no line after a final `\n`), found with
    /// `memchr` (vectorized in libc).
    public static func lineRanges(_ p: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = p.baseAddress else { return [] }
        var ranges: [Range<Int>] = []
        var s = 0
        while s < p.count {
            guard let hit = memchr(base + s, 0x0A, p.count - s) else { break }
            let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            ranges.append(s..<i)
            s = i + 1
        }
        if s < p.count { ranges.append(s..<p.count) }
        return ranges
    }
}
