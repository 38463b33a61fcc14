#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed memory for a large hash table, on transparent huge pages where the kernel offers them (2 MiB-aligned,
/// `madvise(MADV_HUGEPAGE)` before the first touch): probes of a table of several MiB then miss the TLB far less
/// often (one 2 MiB page instead of 512 small ones), which is most of the cost of a prefetched random probe.
/// Freed on deinit; callers keep the one owner.
final class HugePageBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let bytes: Int
    static let hugePage = 2 << 20

    init(bytes: Int) {
        self.bytes = max(bytes, 64)
        var p: UnsafeMutableRawPointer? = nil
        let align = self.bytes >= Self.hugePage ? Self.hugePage : 64
        if posix_memalign(&p, align, self.bytes) == 0, let p {
            raw = p
            #if os(Linux)
            if self.bytes >= Self.hugePage { _ = madvise(p, self.bytes, Int32(MADV_HUGEPAGE)) }
            #endif
        } else {
            raw = UnsafeMutableRawPointer.allocate(byteCount: self.bytes, alignment: 64)
        }
        memset(raw, 0, self.bytes)
    }

    func zero() { memset(raw, 0, bytes) }

    deinit { free(raw) }
}
