import AIGCCore
import CKernels
import Foundation

/// Reusable raw buffers for merging one piece; one per encoding thread, so the inner loop neither allocates nor
/// pays for array uniqueness checks.
package final class BPEScratch {
    private(set) var capacity = 0
    var starts: UnsafeMutablePointer<Int32>
    var ranks: UnsafeMutablePointer<UInt32>
    var ids: UnsafeMutablePointer<UInt32>
    var ends: UnsafeMutablePointer<Int32>
    var next: UnsafeMutablePointer<Int32>
    var prev: UnsafeMutablePointer<Int32>
    var pairRank: UnsafeMutablePointer<UInt32>
    var pairResult: UnsafeMutablePointer<UInt32>
    /// Cut offsets of a long piece (`SplitIndex.cuts`).
    var cuts: UnsafeMutablePointer<Int32>
    /// 4-ary min-heap of (rank << 32 | position); up to 3 entries per byte are ever pushed.
    var heap: UnsafeMutablePointer<UInt64>
    var heapCount = 0

    // Per-thread piece cache, direct-mapped, one 64-byte cache line per entry: hash (8), length and id count (2),
    // up to 5 ids (20), the key bytes (up to 32). Real text repeats its words (Zipf), so most pieces cost one hash
    // and one cache line instead of a vocabulary probe (3–4 cache misses in a multi-MB table) or a BPE merge.
    static let cacheSlots = 32768
    static let cacheKeyMax = 32
    static let cacheIdMax = 5
    let cache: UnsafeMutableRawPointer

    /// First-level cache of whole pieces of 2…8 bytes (most pieces of real text) and of 2…8-byte parts of long
    /// pieces (stored length n + 16: merged without the whole-token shortcut): 32768 direct-mapped 32-byte entries,
    /// 1 MiB, so the frequent ones hit L2 instead of the 2 MiB main cache. (4096 entries held one script's short
    /// pieces but not a multilingual text's: on the shuffled 30 MB category mix, one thread, 2^12 → 2^14 → 2^15
    /// entries ran 775 → 752 → 756 ms best of 9 and 855 → 836 → 823 ms median, o200k_base 1117 → 1029 ms best of
    /// 5; the main-cache probe after a short miss was ~14% of the mix's profile.) It shares the memo's huge page.
    /// Entry: key (8 bytes, `shortKey`), length (1), id count (1), up to 5 ids at offset 12; length 0 = empty.
    static let shortSlots = 32768
    static let shortShift: UInt64 = 49  // 64 - log2(shortSlots)
    static let shortKeyMax = 8
    static let memoAndShortBytes = (8 << memoBits) + shortSlots * 32
    let short: UnsafeMutableRawPointer

    /// The bytes of a 2…8-byte piece packed in a UInt64 (with the length, unique): two overlapping 4-byte loads
    /// inside the piece, or the first, middle and last bytes.
    @inline(__always) static func shortKey(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        if n >= 4 {
            return UInt64(ck_load_u32(raw, 0)) | UInt64(ck_load_u32(raw, n - 4)) << 32
        }
        return UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16
    }

    @inline(__always) func shortEntry(_ key: UInt64, _ n: Int) -> UnsafeMutableRawPointer {
        let h = (key ^ UInt64(n) << 58) &* 0x9E37_79B9_7F4A_7C15
        return short + Int(truncatingIfNeeded: h >> BPEScratch.shortShift) * 32
    }

    /// The first-level entry that holds a piece, or nil (also the look-ahead's test, `BPEModel.prefetchPiece`).
    @inline(__always) func shortHit(_ key: UInt64, _ n: Int) -> UnsafeMutableRawPointer? {
        let e = shortEntry(key, n)
        return ck_load_u64(e, 0) == key && ck_load_u8(e, 8) == UInt8(truncatingIfNeeded: n) ? e : nil
    }

    @inline(__always) func cachedShort(_ key: UInt64, _ n: Int, into out: inout IdBuffer) -> Bool {
        guard let e = shortHit(key, n) else { return false }
        let c = Int(ck_load_u8(e, 9))
        out.append(raw: e + 12, count: c)
        return true
    }

    @inline(__always) func rememberShort(_ key: UInt64, _ n: Int, ids out: IdBuffer, from: Int) {
        let c = out.count - from
        guard c <= BPEScratch.cacheIdMax else { return }
        let e = shortEntry(key, n)
        ck_store_u64(e, 0, key)
        ck_store_u8(e, 8, UInt8(truncatingIfNeeded: n))
        ck_store_u8(e, 9, UInt8(truncatingIfNeeded: c))
        for k in 0..<c { ck_store_u32(e, 12 + 4 * k, out[from + k]) }
    }

    /// Memo of ranks-rule merges, direct-mapped, one word per entry: valid bit (40), left id (39…20), right id
    /// (19…0) above 21 bits of merged id (all ones: not a token); 0 = empty (see `BPEModel.mergedId`). 2^17
    /// entries, 1 MiB on a huge page: a miss costs three cache misses in the vocabulary table (filter, slot, key), a
    /// hit one. (Two words per entry held half as many pairs in the same memory.) Used when every id is below
    /// `memoIdLimit`; larger vocabularies look merges up directly.
    static let memoBits = 17
    static let memoIdLimit = (1 << 20) - 1
    let memo: UnsafeMutablePointer<UInt64>

    @inline(__always) static func memoSlot(_ tag: UInt64) -> Int {
        Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - memoBits))
    }

    /// Second-level cache for longer pieces (33…4096 bytes: separator runs, long words), direct-mapped.
    static let longSlots = 8192
    var longHash = [UInt64](repeating: 0, count: BPEScratch.longSlots)
    var longKeys = [[UInt8]](repeating: [], count: BPEScratch.longSlots)
    var longIds = [[UInt32]](repeating: [], count: BPEScratch.longSlots)

    @inline(__always) func cachedLong(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, into out: inout IdBuffer) -> Bool {
        let slot = Int(truncatingIfNeeded: h >> 11) & (BPEScratch.longSlots - 1)
        guard longHash[slot] == h, longKeys[slot].count == n else { return false }
        let same = longKeys[slot].withUnsafeBytes { ByteKeyTable.equal($0.baseAddress!, UnsafeRawPointer(p), n) }
        if !same { return false }
        out.append(contentsOf: longIds[slot])
        return true
    }

    @inline(__always) func rememberLong(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ids out: IdBuffer, from: Int) {
        guard n <= 4096 else { return }
        let slot = Int(truncatingIfNeeded: h >> 11) & (BPEScratch.longSlots - 1)
        longHash[slot] = h
        longKeys[slot] = Array(UnsafeBufferPointer(start: p, count: n))
        longIds[slot] = out.array(from: from)
    }

    /// Where a segment's ids are gathered before they are handed over in one copy (`Tokenizer.encodePieces`);
    /// kept from segment to segment, given back when a giant segment made it large.
    var output = IdBuffer(capacity: 1 << 14)
    static let outputKeep = 1 << 20

    /// The model's split index, fetched once per scratch (the lazy holder takes a lock): `splitIndexOwner` keeps
    /// the model and its index alive, so the identity and the filters' plain pointers stay valid, and the per-piece
    /// test compares an identity and copies four pointers, retaining nothing.
    private var splitIndexOwner: (BPEModel, SplitIndex)?
    private var splitIndexFast: (model: ObjectIdentifier, filters: SplitIndex.Filters)?
    @inline(__always) func splitFilters(_ m: BPEModel) -> SplitIndex.Filters {
        if let c = splitIndexFast, c.model == ObjectIdentifier(m) { return c.filters }
        return fetchSplitIndex(m)
    }

    @inline(never) private func fetchSplitIndex(_ m: BPEModel) -> SplitIndex.Filters {
        let i = m.splitIndex.index
        splitIndexOwner = (m, i)
        splitIndexFast = (ObjectIdentifier(m), i.filters)
        return i.filters
    }

    public init() {
        // Zero pages mapped on first touch, so a scratch for a short text is cheap.
        cache = HugePageMemory.allocate(BPEScratch.cacheSlots * 64)
        // The memo and the first-level cache, 1 MiB each, share one 2 MiB huge page (alone, the memo took a whole
        // one: `HugePageMemory` rounds up), so the first-level cache costs no memory and no TLB misses of its own.
        let region = HugePageMemory.allocate(BPEScratch.memoAndShortBytes)
        memo = region.bindMemory(to: UInt64.self, capacity: 1 << BPEScratch.memoBits)
        short = region + (8 << BPEScratch.memoBits)
        starts = .allocate(capacity: 1); ranks = .allocate(capacity: 1); ids = .allocate(capacity: 1)
        ends = .allocate(capacity: 1); next = .allocate(capacity: 1); prev = .allocate(capacity: 1)
        pairRank = .allocate(capacity: 1); pairResult = .allocate(capacity: 1); heap = .allocate(capacity: 1)
        cuts = .allocate(capacity: 1)
        reserve(256)
    }

    deinit {
        free()
        HugePageMemory.free(cache, bytes: BPEScratch.cacheSlots * 64)
        output.deallocate()
        HugePageMemory.free(UnsafeMutableRawPointer(memo), bytes: BPEScratch.memoAndShortBytes)
    }

    /// The 2-way set of a hash (two adjacent 64-byte entries; the first is the most recently inserted).
    @inline(__always) func cacheSet(_ h: UInt64) -> UnsafeMutableRawPointer {
        cache + (Int(truncatingIfNeeded: h >> 7) & (BPEScratch.cacheSlots / 2 - 1)) * 128
    }

    /// Appends the cached ids of a piece; false on a miss.
    @inline(__always) func cached(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, into out: inout IdBuffer) -> Bool {
        let set = cacheSet(h)
        for way in 0..<2 {
            let e = set + way * 64
            guard ck_load_u64(e, 0) == h, Int(ck_load_u8(e, 8)) == n,
                  ByteKeyTable.equal(UnsafeRawPointer(e + 32), UnsafeRawPointer(p), n) else { continue }
            let c = Int(ck_load_u8(e, 9))
            out.append(raw: e + 12, count: c)
            return true
        }
        return false
    }

    /// Remembers the ids `out[from...]` of a piece (if small enough).
    @inline(__always) func remember(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ids out: IdBuffer, from: Int) {
        let c = out.count - from
        guard n <= BPEScratch.cacheKeyMax, c <= BPEScratch.cacheIdMax, c > 0 else { return }
        let e = cacheSet(h)
        (e + 64).copyMemory(from: UnsafeRawPointer(e), byteCount: 64)
        ck_store_u64(e, 0, h)
        ck_store_u8(e, 8, UInt8(n))
        ck_store_u8(e, 9, UInt8(c))
        for k in 0..<c { ck_store_u32(e, 12 + 4 * k, out[from + k]) }
        (e + 32).copyMemory(from: p, byteCount: n)
    }

    private func free() {
        starts.deallocate(); ranks.deallocate(); ids.deallocate(); ends.deallocate(); next.deallocate()
        prev.deallocate(); pairRank.deallocate(); pairResult.deallocate(); heap.deallocate(); cuts.deallocate()
    }

    /// Makes room for a piece of `n` bytes.
    @inline(__always) func reserve(_ n: Int) {
        if n + 1 <= capacity { return }
        free()
        let c = max(n + 1, capacity * 2)
        starts = .allocate(capacity: c); ranks = .allocate(capacity: c); ids = .allocate(capacity: c)
        ends = .allocate(capacity: c); next = .allocate(capacity: c); prev = .allocate(capacity: c)
        pairRank = .allocate(capacity: c); pairResult = .allocate(capacity: c); heap = .allocate(capacity: 3 * c + 8)
        cuts = .allocate(capacity: c)
        capacity = c
    }

    /// Empties the heap. Invariant kept by push and pop: the three slots after the last entry hold `UInt64.max`,
    /// so a sift-down reads four children without bounds checks.
    @inline(__always) func heapReset() {
        heapCount = 0
        heap[0] = UInt64.max; heap[1] = UInt64.max; heap[2] = UInt64.max
    }

    // A 4-ary heap: half the levels of a binary heap, and the four children of a node are adjacent (one or two cache
    // lines), so a pop costs about half the dependent steps. Long pieces (runs of one character) pop about three
    // entries per byte, most of their merge time.
    @inline(__always) func heapPush(_ v: UInt64) {
        var i = heapCount
        heapCount += 1
        heap[heapCount + 2] = UInt64.max
        while i > 0 {
            let parent = (i - 1) >> 2
            if heap[parent] <= v { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = v
    }

    /// Pops the minimum. The smallest of the four children is picked with selects rather than branches (the
    /// `UInt64.max` slots past the end stand in for missing children).
    @inline(__always) func heapPop() -> UInt64? {
        if heapCount == 0 { return nil }
        let top = heap[0]
        heapCount -= 1
        let n = heapCount
        let last = heap[n]
        heap[n] = UInt64.max
        if n == 0 { return top }
        var i = 0
        while true {
            let c = 4 * i + 1
            if c >= n { break }
            let a = heap[c], b = heap[c + 1], x = heap[c + 2], y = heap[c + 3]
            let ab = b < a, xy = y < x
            let m1 = ab ? b : a, m2 = xy ? y : x
            let i1 = ab ? c + 1 : c, i2 = xy ? c + 3 : c + 2
            let second = m2 < m1
            let m = second ? m2 : m1
            if m >= last { break }
            heap[i] = m
            i = second ? i2 : i1
        }
        heap[i] = last
        return top
    }
}
