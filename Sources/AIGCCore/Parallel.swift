import Foundation

/// The project's one parallel runner: jobs `0..<count` on at most `threads` threads, with results that never depend
/// on the thread count or on scheduling (each job's result is stored or emitted by its index). With `threads <= 1`
/// (or one job) everything runs in order on the caller's thread.
///
/// The closures are called concurrently from several threads: they must only touch state that is safe to share
/// (read-only captures, or per-index slots). Used by the corpus builder (record stages), the normalizer (chunks),
/// the tokenizer (chunked encoding, streamed in order to the writer) and the model (batch shards, optimizer chunks).
public enum Parallel {
    /// Calls `body(i)` for every `i` in `0..<count`. Jobs are handed out in chunks of `chunk` indices (default: small
    /// chunks, at least eight per thread) so uneven jobs balance.
    public static func forEach(_ count: Int, threads: Int, chunk: Int? = nil, _ body: (Int) -> Void) {
        if count <= 0 { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        let queue = WorkQueue(count: count, chunk: chunk ?? max(1, min(64, count / (workers * 8))))
        withoutActuallyEscaping(body) { body in
            let job = Unchecked(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let r = queue.claim() {
                    for i in r { job.value(i) }
                }
            }
        }
    }

    /// `body(i)` for every `i` in `0..<count`, results in index order.
    public static func map<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
        if count <= 0 { return [] }
        if max(1, min(threads, count)) == 1 { return (0..<count).map(body) }
        let slots = Slots<T>(count)
        forEach(count, threads: threads) { i in (slots.base + i).initialize(to: body(i)) }
        return slots.take()
    }

    /// `body(i)` for every `i` in `0..<count`, results in index order. Every job runs; the first error by index is
    /// rethrown (so which error surfaces does not depend on the thread count either).
    public static func map<T>(_ count: Int, threads: Int, _ body: (Int) throws -> T) throws -> [T] {
        let results: [Result<T, Error>] = map(count, threads: threads) { i in Result { try body(i) } }
        return try results.map { try $0.get() }
    }

    /// Runs `body(i, worker)` for `i` in `0..<count` and hands each result to `emit` in index order as soon as it and
    /// all results before it are ready, so the caller consumes (writes) early results while later ones are still being
    /// computed. Each thread gets its own `worker` state from `makeWorker` (given back through `releaseWorker` when the
    /// thread is done). `emit` runs on one thread at a time, in order; the first error it throws stops the run (no
    /// later result is emitted, no new job starts) and is rethrown.
    ///
    /// At most `ahead` results are computed or held beyond the last one emitted (default: four per thread): a
    /// thread that would start job `nextEmitted + ahead` waits until `emit` catches up, so a slow consumer (a full
    /// pipe, a slow disk) bounds memory instead of letting finished results pile up. `Int.max` keeps no bound (for
    /// callers that keep every result anyway).
    public static func stream<T, Worker>(
        count: Int, threads: Int, ahead: Int? = nil, makeWorker: () -> Worker, releaseWorker: (Worker) -> Void = { _ in },
        _ body: (Int, Worker) -> T, emit: (T) throws -> Void
    ) throws {
        if count <= 0 { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            let w = makeWorker()
            defer { releaseWorker(w) }
            for i in 0..<count { try emit(body(i, w)) }
            return
        }
        try withoutActuallyEscaping(makeWorker) { makeWorker in
            try withoutActuallyEscaping(releaseWorker) { releaseWorker in
                try withoutActuallyEscaping(body) { body in
                    try withoutActuallyEscaping(emit) { emit in
                        let job = OrderedJob(count: count, ahead: max(1, ahead ?? 4 * workers), makeWorker: makeWorker,
                                             releaseWorker: releaseWorker, body: body, emit: emit)
                        DispatchQueue.concurrentPerform(iterations: workers) { _ in job.work() }
                        if let e = job.failure { throw e }
                    }
                }
            }
        }
    }

    /// Hands out index ranges of one chunk each, under a lock.
    private final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private let chunk: Int
        init(count: Int, chunk: Int) { self.count = count; self.chunk = max(1, chunk) }
        func claim() -> Range<Int>? {
            lock.lock(); defer { lock.unlock() }
            if next >= count { return nil }
            let lo = next
            next = min(count, next + chunk)
            return lo..<next
        }
    }

    /// Result slots written by exactly one job each; read only after all jobs finished.
    private final class Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
        let count: Int
        private var filled = true
        init(_ count: Int) { self.count = count; base = .allocate(capacity: count) }
        /// Moves the results out (every slot was initialized by its job).
        func take() -> [T] {
            filled = false
            return [T](unsafeUninitializedCapacity: count) { buf, n in
                buf.baseAddress!.moveInitialize(from: base, count: count)
                n = count
            }
        }
        deinit {
            if filled { base.deinitialize(count: count) }
            base.deallocate()
        }
    }

    /// A value shared with the worker threads on the caller's responsibility (see the type's note).
    private struct Unchecked<V>: @unchecked Sendable {
        let value: V
        init(_ value: V) { self.value = value }
    }

    private final class OrderedJob<T, Worker>: @unchecked Sendable {
        let results: UnsafeMutablePointer<T?>
        let count: Int
        let ahead: Int
        /// Guards the fields below; signalled when `nextEmit` moves or the run fails (a waiting thread rechecks).
        let lock = NSCondition()
        var next = 0
        var nextEmit = 0
        var emitting = false
        var failure: Error?
        let makeWorker: () -> Worker
        let releaseWorker: (Worker) -> Void
        let body: (Int, Worker) -> T
        let emit: (T) throws -> Void

        init(count: Int, ahead: Int, makeWorker: @escaping () -> Worker, releaseWorker: @escaping (Worker) -> Void,
             body: @escaping (Int, Worker) -> T, emit: @escaping (T) throws -> Void) {
            self.count = count
            self.ahead = ahead
            self.makeWorker = makeWorker
            self.releaseWorker = releaseWorker
            self.body = body
            self.emit = emit
            results = .allocate(capacity: count)
            results.initialize(repeating: nil, count: count)
        }

        deinit { results.deinitialize(count: count); results.deallocate() }

        func work() {
            let worker = makeWorker()
            defer { releaseWorker(worker) }
            while true {
                lock.lock()
                while failure == nil && next < count && next - nextEmit >= ahead { lock.wait() }
                let i = next
                next += 1
                let stop = failure != nil
                lock.unlock()
                if i >= count || stop { return }
                let r = body(i, worker)
                lock.lock()
                results[i] = r
                if emitting { lock.unlock(); continue }
                emitting = true
                // Emit every ready result in order; results stored meanwhile are seen by the check under the lock.
                while failure == nil && nextEmit < count, let ready = results[nextEmit] {
                    results[nextEmit] = nil
                    nextEmit += 1
                    lock.broadcast()  // a slot freed: a thread waiting to start a job rechecks
                    lock.unlock()
                    do { try emit(ready) } catch {
                        lock.lock()
                        failure = error
                        lock.unlock()
                    }
                    lock.lock()
                    if failure != nil { lock.broadcast() }  // waiting threads stop
                }
                emitting = false
                lock.unlock()
            }
        }
    }
}
