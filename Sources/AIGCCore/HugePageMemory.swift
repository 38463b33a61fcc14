#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-filled memory that pages in lazily, on transparent huge pages where the kernel offers them (2 MiB-aligned
/// anonymous `mmap`, `madvise(MADV_HUGEPAGE)` before the first touch; this machine's THP mode is `madvise`, so
/// without the advice nothing is huge). The one home for huge-page memory: the serving engine's KV cache and packed
/// weights, the streaming normalizer's read buffers, the audit's count tables (as owning objects) and the
/// tokenizer's vocabulary slots, piece caches and split filters (through `allocate`/`free`, kept in their own
/// structures).
///
/// Why: big tables read whole or probed at random spread over thousands of 4 KiB pages, so a large share of the loads
/// also miss the TLB (in a VM each walk costs several memory accesses), and a fresh 4 KiB page costs ~2 µs to fault
/// in on this VM against ~0.25 µs per 4 KiB of a huge page (touching 32 MB: 16.5 ms on small pages, 3.8 ms on huge
/// ones). Measured (one core, 6×384 model shapes): decode attention over 16 sequences × 6 layers × 132 cached rows
/// (cache out of L2) 15–25% less time; a plain read of 21 MB of bf16 weights about half; the fp32 decode products
/// over all layers 10–13% (16 rows) and 17–33% (1 row).
///
/// Requests under `threshold` get ordinary zeroed, 64-byte-aligned memory: a huge page is zeroed in one piece on
/// first touch (slow in a VM), which small tables (the tokenizer's 256 KiB ones, test vocabularies) do not repay.
/// Untouched pages cost nothing (as `calloc`'s large blocks), so a cache with room for many sequences stays cheap
/// until the batch fills.
public final class HugePageMemory: @unchecked Sendable {
    public static let hugePage = 2 << 20
    /// Requests from this size on are placed on huge pages.
    public static let threshold = hugePage / 2
    public let raw: UnsafeMutableRawPointer
    /// Bytes usable from `raw` (the request rounded up to whole huge pages, or as asked for small blocks).
    public let bytes: Int
    private let requested: Int

    /// Nil when the memory is not available. Freed on deinit; callers keep the one owner.
    public init?(bytes requested: Int) {
        let n = max(requested, 1)
        guard let p = Self.map(n) else { return nil }
        raw = p
        self.requested = n
        bytes = Self.onHugePages(n) ? Self.rounded(n) : n
    }

    /// For tables whose allocation failing is as fatal as Swift's own allocator failing (which traps too).
    public static func allocating(bytes: Int) -> HugePageMemory {
        guard let m = HugePageMemory(bytes: bytes) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        return m
    }

    deinit { Self.free(raw, bytes: requested) }

    /// Zeroes all of it again (touching every page).
    public func zero() { memset(raw, 0, bytes) }

    // MARK: - Raw memory for owners that keep the pointer in their own structures

    /// Zeroed memory of at least `bytes` (2 MiB-aligned from `threshold` on); release with `free(_:bytes:)` and the
    /// same `bytes`. Out of memory traps, as Swift's own allocator does.
    public static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let p = map(max(bytes, 1)) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        return p
    }

    public static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }

    /// Releases memory from `allocate(_:)` of `bytes`.
    public static func free(_ p: UnsafeMutableRawPointer, bytes: Int) {
        let n = max(bytes, 1)
        #if os(Linux)
        if onHugePages(n) { munmap(p, rounded(n)); return }
        #endif
        releaseHeap(p)
    }

    public static func free<T>(_ p: UnsafeMutablePointer<T>, count: Int) {
        free(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
    }

    @inline(__always) static func onHugePages(_ n: Int) -> Bool {
        #if os(Linux)
        return n >= threshold
        #else
        return false
        #endif
    }

    /// `n` rounded up to whole huge pages.
    @inline(__always) static func rounded(_ n: Int) -> Int { (max(n, 1) + hugePage - 1) & ~(hugePage - 1) }

    private static func map(_ n: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
        if onHugePages(n) {
            let size = rounded(n)
            guard let m = mmap(nil, size + hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  m != MAP_FAILED else { return nil }
            // Trim the mapping to a 2 MiB-aligned start, so every 2 MiB of it can be one huge page.
            let start = UInt(bitPattern: m)
            let aligned = (start + UInt(hugePage) - 1) & ~UInt(hugePage - 1)
            let head = Int(aligned - start)
            if head > 0 { munmap(m, head) }
            let tail = hugePage - head
            guard let end = UnsafeMutableRawPointer(bitPattern: aligned + UInt(size)),
                  let p = UnsafeMutableRawPointer(bitPattern: aligned) else { return nil }
            if tail > 0 { munmap(end, tail) }
            _ = madvise(p, size, Int32(MADV_HUGEPAGE))
            return p
        }
        #endif
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, 64, n) == 0, let p else { return nil }
        memset(p, 0, n)
        return p
    }
}

/// The C library's `free` (inside `HugePageMemory` the name is its own).
private func releaseHeap(_ p: UnsafeMutableRawPointer) { free(p) }
