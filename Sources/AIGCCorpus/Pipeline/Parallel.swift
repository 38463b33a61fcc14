import Foundation

/// Maps `0..<count` to results on at most `threads` threads (work handed out in small chunks under a lock, so
/// uneven records balance); results are stored by index, so the output order — and everything downstream — is
/// the same whatever the thread count.
enum Parallel {
    final class Box<T>: @unchecked Sendable {
        var items: [T?]
        let lock = NSLock()
        var next = 0
        init(_ n: Int) { items = Array(repeating: nil, count: n) }
        func claim(_ chunk: Int, _ count: Int) -> Range<Int>? {
            lock.lock(); defer { lock.unlock() }
            if next >= count { return nil }
            let lo = next
            next = min(count, next + chunk)
            return lo..<next
        }
    }

    static func map<T>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        let t = max(1, min(threads, count))
        if t == 1 { return (0..<count).map(body) }
        let box = Box<T>(count)
        let chunk = max(1, min(64, count / (t * 8)))
        box.items.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let out = buf
            DispatchQueue.concurrentPerform(iterations: t) { _ in
                while let r = box.claim(chunk, count) {
                    for i in r { out[i] = body(i) }
                }
            }
        }
        return box.items.map { $0! }
    }
}
