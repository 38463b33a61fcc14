import Foundation

/// Reusable `BPEScratch`es of one model: encode calls take one and give it back, so the per-thread piece caches
/// stay warm across calls (a corpus encoded record by record hits them as well as one big text) and no call pays
/// for allocating them. Scratches never move between models, whose caches would disagree.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [BPEScratch] = []
    static let keep = max(4, ProcessInfo.processInfo.activeProcessorCount)

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
