import Foundation

/// Zeroed memory on 2 MiB-aligned transparent huge pages (where the kernel allows them, `madvise` mode included).
/// The tokenizer's multi-MiB hot tables (vocabulary slots, piece caches, split filters) are probed at random: with
/// 4 KiB pages nearly every probe also misses the TLB, and in a virtual machine a page walk costs several memory
/// accesses. Only for tables that are used whole: a huge page is zeroed in one piece on first touch (slow in a VM),
/// so the 256 KiB tables stay on ordinary pages.
enum HugePages {
    static let size = 2 << 20

    /// `bytes` rounded up to whole huge pages.
    @inline(__always) static func rounded(_ bytes: Int) -> Int { (max(bytes, 1) + size - 1) & ~(size - 1) }

    /// Zeroed, 2 MiB-aligned memory of at least `bytes`; release with `free(_:bytes:)`.
    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        // Small tables (tiny test vocabularies) stay on ordinary zeroed pages.
        if bytes < size / 2 { return calloc(max(bytes, 1), 1)! }
        let n = rounded(bytes)
        let raw = mmap(nil, n + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        // Like Swift's own allocator, running out of address space is not recoverable.
        precondition(raw != nil && raw != MAP_FAILED, "out of memory allocating \(n) bytes")
        let start = UInt(bitPattern: raw!)
        let aligned = (start + UInt(size) - 1) & ~UInt(size - 1)
        let head = Int(aligned - start)
        if head > 0 { munmap(raw, head) }
        let tail = size - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(n))!, tail) }
        let p = UnsafeMutableRawPointer(bitPattern: aligned)!
        _ = madvise(p, n, MADV_HUGEPAGE)
        return p
    }

    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }

    static func free(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes < size / 2 { Foundation.free(p); return }
        let n = rounded(bytes)
        munmap(p, n)
    }

    static func free<T>(_ p: UnsafeMutablePointer<T>, count: Int) {
        free(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
    }
}
