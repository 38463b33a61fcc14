#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-filled memory that pages in lazily, on transparent huge pages where the kernel offers them (2 MiB-aligned
/// anonymous `mmap`, `madvise(MADV_HUGEPAGE)` before the first touch; this machine's THP mode is `madvise`, so
/// without the advice nothing is huge). For big arrays read whole, over and over: a serving decode step reads every
/// running sequence's KV cache rows and every weight once, tens of MB spread over thousands of 4 KiB pages, so with
/// small pages a large share of the loads also miss the TLB (in a VM each walk costs several memory accesses).
/// Measured (one core, 6×384 model shapes): decode attention over 16 sequences × 6 layers × 132 cached rows (cache
/// out of L2) 15–25% less time; a plain read of 21 MB of bf16 weights about half; the fp32 decode products over all
/// layers 10–13% (16 rows) and 17–33% (1 row).
/// Untouched pages cost nothing (as `calloc`'s large blocks), so a cache with room for many sequences stays cheap
/// until the batch fills. Freed on deinit; callers keep the one owner. Also the streaming normalizer's read buffers
/// (`StreamingNormalizer.run`): a fresh 4 KiB page costs ~2 µs to fault in on this VM, a huge page ~0.25 µs per
/// 4 KiB (measured: touching 32 MB took 16.5 ms on small pages, 3.8 ms on huge ones).
public final class HugePageMemory: @unchecked Sendable {
    public static let hugePage = 2 << 20
    public let raw: UnsafeMutableRawPointer
    /// Bytes usable from `raw` (the request rounded up to whole huge pages, or as asked for small blocks).
    public let bytes: Int
    private let mapped: Bool

    /// Nil when the memory is not available.
    public init?(bytes requested: Int) {
        let n = max(requested, 1)
        #if os(Linux)
        // Below one huge page the advice cannot apply: ordinary zeroed memory.
        if n >= Self.hugePage {
            let size = (n + Self.hugePage - 1) & ~(Self.hugePage - 1)
            guard let m = mmap(nil, size + Self.hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  m != MAP_FAILED else { return nil }
            // Trim the mapping to a 2 MiB-aligned start, so every 2 MiB of it can be one huge page.
            let start = UInt(bitPattern: m)
            let aligned = (start + UInt(Self.hugePage) - 1) & ~UInt(Self.hugePage - 1)
            let head = Int(aligned - start)
            if head > 0 { munmap(m, head) }
            let tail = Self.hugePage - head
            if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(size))!, tail) }
            raw = UnsafeMutableRawPointer(bitPattern: aligned)!
            _ = madvise(raw, size, Int32(MADV_HUGEPAGE))
            bytes = size
            mapped = true
            return
        }
        #endif
        guard let p = calloc(n, 1) else { return nil }
        raw = p
        bytes = n
        mapped = false
    }

    deinit {
        #if os(Linux)
        if mapped { munmap(raw, bytes); return }
        #endif
        free(raw)
    }
}
