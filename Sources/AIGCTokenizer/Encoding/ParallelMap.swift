import Foundation

/// Runs `body(i, scratch)` for i in 0..<count on up to `threads` threads, each thread with its own `BPEScratch`;
/// results in index order, so output never depends on the thread count. The ordered runner collecting into one
/// array (its `emit` cannot fail here).
enum ParallelMap {
    static func run<T>(count: Int, threads: Int, pool: ScratchPool? = nil, _ body: (Int, BPEScratch) -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        try? OrderedParallelRun.run(count: count, threads: threads, pool: pool, body) { out.append($0) }
        return out
    }
}
