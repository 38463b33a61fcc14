import Dispatch

/// Results slots written by exactly one worker each; read only after all workers finished.
final class ResultSlots<T>: @unchecked Sendable {
    var slots: [T?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
}

/// Runs `body(i)` for `i in 0..<count` on up to `threads` threads and returns the results in index order, so
/// callers stay deterministic whatever the thread count. The first error (by index) is rethrown.
public func parallelMap<T>(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    if threads <= 1 || count == 1 { return try (0..<count).map(body) }
    let slots = ResultSlots<Result<T, Error>>(count)
    let workers = min(threads, count)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var i = w
        while i < count {
            let r = Result { try body(i) }
            slots.slots[i] = r
            i += workers
        }
    }
    return try slots.slots.map { try $0!.get() }
}
