/// Reusable raw buffers for merging one piece; one per encoding thread, so the inner loop neither allocates nor
/// pays for array uniqueness checks.
public final class BPEScratch {
    private(set) var capacity = 0
    var starts: UnsafeMutablePointer<Int32>
    var ranks: UnsafeMutablePointer<UInt32>
    var ids: UnsafeMutablePointer<UInt32>
    var ends: UnsafeMutablePointer<Int32>
    var next: UnsafeMutablePointer<Int32>
    var prev: UnsafeMutablePointer<Int32>
    var pairRank: UnsafeMutablePointer<UInt32>
    var pairResult: UnsafeMutablePointer<UInt32>
    /// Binary min-heap of (rank << 32 | position); up to 3 entries per byte are ever pushed.
    var heap: UnsafeMutablePointer<UInt64>
    var heapCount = 0

    // Per-thread piece cache (direct-mapped): pieces up to `cacheKeyMax` bytes giving up to `cacheIdMax` ids. Real
    // text repeats its words (Zipf), so most BPE work is done once per distinct word per thread.
    static let cacheSlots = 4096
    static let cacheKeyMax = 32
    static let cacheIdMax = 8
    let cacheHash: UnsafeMutablePointer<UInt64>
    /// (length << 8 | id count); 0 = empty.
    let cacheMeta: UnsafeMutablePointer<UInt16>
    let cacheKeys: UnsafeMutablePointer<UInt8>
    let cacheIds: UnsafeMutablePointer<UInt32>

    public init() {
        cacheHash = .allocate(capacity: BPEScratch.cacheSlots)
        cacheHash.initialize(repeating: 0, count: BPEScratch.cacheSlots)
        cacheMeta = .allocate(capacity: BPEScratch.cacheSlots)
        cacheMeta.initialize(repeating: 0, count: BPEScratch.cacheSlots)
        cacheKeys = .allocate(capacity: BPEScratch.cacheSlots * BPEScratch.cacheKeyMax)
        cacheIds = .allocate(capacity: BPEScratch.cacheSlots * BPEScratch.cacheIdMax)
        starts = .allocate(capacity: 1); ranks = .allocate(capacity: 1); ids = .allocate(capacity: 1)
        ends = .allocate(capacity: 1); next = .allocate(capacity: 1); prev = .allocate(capacity: 1)
        pairRank = .allocate(capacity: 1); pairResult = .allocate(capacity: 1); heap = .allocate(capacity: 1)
        reserve(256)
    }

    deinit {
        free()
        cacheHash.deallocate(); cacheMeta.deallocate(); cacheKeys.deallocate(); cacheIds.deallocate()
    }

    /// Appends the cached ids of a piece; false on a miss.
    @inline(__always) func cached(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, into out: inout [UInt32]) -> Bool {
        let slot = Int(truncatingIfNeeded: h >> 7) & (BPEScratch.cacheSlots - 1)
        let meta = Int(cacheMeta[slot])
        guard cacheHash[slot] == h, meta >> 8 == n,
              ByteKeyTable.equal(UnsafeRawPointer(cacheKeys + slot * BPEScratch.cacheKeyMax), UnsafeRawPointer(p), n) else {
            return false
        }
        let ids = cacheIds + slot * BPEScratch.cacheIdMax
        for k in 0..<(meta & 0xFF) { out.append(ids[k]) }
        return true
    }

    /// Remembers the ids `out[from...]` of a piece (if small enough).
    @inline(__always) func remember(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ids out: [UInt32], from: Int) {
        let c = out.count - from
        guard n <= BPEScratch.cacheKeyMax, c <= BPEScratch.cacheIdMax, c > 0 else { return }
        let slot = Int(truncatingIfNeeded: h >> 7) & (BPEScratch.cacheSlots - 1)
        cacheHash[slot] = h
        cacheMeta[slot] = UInt16(n << 8 | c)
        (cacheKeys + slot * BPEScratch.cacheKeyMax).update(from: p, count: n)
        let ids = cacheIds + slot * BPEScratch.cacheIdMax
        for k in 0..<c { ids[k] = out[from + k] }
    }

    private func free() {
        starts.deallocate(); ranks.deallocate(); ids.deallocate(); ends.deallocate(); next.deallocate()
        prev.deallocate(); pairRank.deallocate(); pairResult.deallocate(); heap.deallocate()
    }

    /// Makes room for a piece of `n` bytes.
    @inline(__always) func reserve(_ n: Int) {
        if n + 1 <= capacity { return }
        free()
        let c = max(n + 1, capacity * 2)
        starts = .allocate(capacity: c); ranks = .allocate(capacity: c); ids = .allocate(capacity: c)
        ends = .allocate(capacity: c); next = .allocate(capacity: c); prev = .allocate(capacity: c)
        pairRank = .allocate(capacity: c); pairResult = .allocate(capacity: c); heap = .allocate(capacity: 3 * c + 8)
        capacity = c
    }

    @inline(__always) func heapPush(_ v: UInt64) {
        var i = heapCount
        heapCount += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if heap[parent] <= v { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = v
    }

    @inline(__always) func heapPop() -> UInt64? {
        if heapCount == 0 { return nil }
        let top = heap[0]
        heapCount -= 1
        let n = heapCount
        if n == 0 { return top }
        let last = heap[n]
        var i = 0
        while true {
            var c = 2 * i + 1
            if c >= n { break }
            if c + 1 < n && heap[c + 1] < heap[c] { c += 1 }
            if heap[c] >= last { break }
            heap[i] = heap[c]
            i = c
        }
        heap[i] = last
        return top
    }
}
