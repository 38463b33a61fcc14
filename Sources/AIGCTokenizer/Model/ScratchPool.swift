import AIGCCore
import Foundation

/// Reusable `BPEScratch`es of one model: encode calls take one and give it back, so the per-thread piece caches
/// stay warm across calls (a corpus encoded record by record hits them as well as one big text) and no call pays
/// for allocating them. Scratches never move between models, whose caches would disagree.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [BPEScratch] = []
    static let keep = max(4, Limits.cores)

    func take() -> BPEScratch {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? BPEScratch()
    }

    func give(_ s: BPEScratch) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < ScratchPool.keep { free.append(s) }
    }
}

extension ScratchPool {
    /// `Parallel.stream` with one scratch from this pool per thread (at most `ahead` results waiting for `emit`).
    func stream<T>(count: Int, threads: Int, ahead: Int? = nil, _ body: (Int, BPEScratch) -> T, emit: (T) throws -> Void) throws {
        try Parallel.stream(count: count, threads: threads, ahead: ahead, makeWorker: take, releaseWorker: give, body, emit: emit)
    }

    /// `body(i, scratch)` for `i` in `0..<count` on up to `threads` threads, one scratch per thread; results in
    /// index order.
    func map<T>(count: Int, threads: Int, _ body: (Int, BPEScratch) -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        try? stream(count: count, threads: threads, ahead: Int.max, body) { out.append($0) }
        return out
    }
}
