import Foundation

/// Runs `body(i, scratch)` for i in 0..<count on up to `threads` threads (each takes the next index from a shared
/// counter), each thread with its own `BPEScratch`; results in index order, so output never depends on the thread
/// count.
enum ParallelMap {
    /// Shared state of one run; `body` is only called while `run` is on the stack.
    private final class Job<T>: @unchecked Sendable {
        let results: UnsafeMutablePointer<T?>
        let count: Int
        let lock = NSLock()
        var next = 0
        let body: (Int, BPEScratch) -> T

        let pool: ScratchPool?

        init(count: Int, pool: ScratchPool?, body: @escaping (Int, BPEScratch) -> T) {
            self.count = count
            self.pool = pool
            self.body = body
            results = .allocate(capacity: count)
            results.initialize(repeating: nil, count: count)
        }

        deinit { results.deinitialize(count: count); results.deallocate() }

        func take() -> Int {
            lock.lock()
            defer { lock.unlock() }
            let i = next
            next += 1
            return i
        }

        func work() {
            let scratch = pool?.take() ?? BPEScratch()
            defer { pool?.give(scratch) }
            while true {
                let i = take()
                if i >= count { return }
                results[i] = body(i, scratch)
            }
        }
    }

    static func run<T>(count: Int, threads: Int, pool: ScratchPool? = nil, _ body: (Int, BPEScratch) -> T) -> [T] {
        if count == 0 { return [] }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            let s = pool?.take() ?? BPEScratch()
            defer { pool?.give(s) }
            return (0..<count).map { body($0, s) }
        }
        return withoutActuallyEscaping(body) { body in
            let job = Job(count: count, pool: pool, body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in job.work() }
            return (0..<count).map { job.results[$0]! }
        }
    }
}
