import Foundation

/// Runs `body(i, scratch)` for i in 0..<count on up to `threads` threads and hands the results to `emit` in index
/// order as soon as each result and all before it are ready, so the caller consumes (writes) early results while
/// later ones are still being computed. `emit` runs on one thread at a time, in order; the first error it throws
/// stops the run (no later result is emitted) and is rethrown.
enum OrderedParallelRun {
    private final class Job<T>: @unchecked Sendable {
        let results: UnsafeMutablePointer<T?>
        let count: Int
        let lock = NSLock()
        var next = 0
        var nextEmit = 0
        var emitting = false
        var failure: Error?
        let body: (Int, BPEScratch) -> T
        let emit: (T) throws -> Void
        let pool: ScratchPool?

        init(count: Int, pool: ScratchPool?, body: @escaping (Int, BPEScratch) -> T, emit: @escaping (T) throws -> Void) {
            self.count = count
            self.pool = pool
            self.body = body
            self.emit = emit
            results = .allocate(capacity: count)
            results.initialize(repeating: nil, count: count)
        }

        deinit { results.deinitialize(count: count); results.deallocate() }

        func work() {
            let scratch = pool?.take() ?? BPEScratch()
            defer { pool?.give(scratch) }
            while true {
                lock.lock()
                let i = next
                next += 1
                let stop = failure != nil
                lock.unlock()
                if i >= count || stop { return }
                let r = body(i, scratch)
                lock.lock()
                results[i] = r
                if emitting { lock.unlock(); continue }
                emitting = true
                // Emit every ready result in order; results stored meanwhile are seen by the check under the lock.
                while failure == nil && nextEmit < count, let ready = results[nextEmit] {
                    results[nextEmit] = nil
                    nextEmit += 1
                    lock.unlock()
                    do { try emit(ready) } catch {
                        lock.lock()
                        failure = error
                        lock.unlock()
                    }
                    lock.lock()
                }
                emitting = false
                lock.unlock()
            }
        }
    }

    static func run<T>(count: Int, threads: Int, pool: ScratchPool?, _ body: (Int, BPEScratch) -> T,
                       emit: (T) throws -> Void) throws {
        if count == 0 { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            let s = pool?.take() ?? BPEScratch()
            defer { pool?.give(s) }
            for i in 0..<count { try emit(body(i, s)) }
            return
        }
        try withoutActuallyEscaping(body) { body in
            try withoutActuallyEscaping(emit) { emit in
                let job = Job(count: count, pool: pool, body: body, emit: emit)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in job.work() }
                if let e = job.failure { throw e }
            }
        }
    }
}
