import Dispatch

/// Runs `count` independent jobs on at most `threads` threads. Job j always does the same arithmetic whichever
/// thread runs it, so results never depend on the thread count. Used for batch shards and for chunked
/// element-wise passes (gradient reduction, AdamW); OpenBLAS itself runs single-threaded (see `BLAS.setThreads`).
package enum Parallel {
    package static func run(count: Int, threads: Int, _ body: (Int) -> Void) {
        let t = min(max(1, threads), count)
        if t <= 1 {
            for j in 0..<count { body(j) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: t) { w in
                var j = w
                while j < count { box.value(j); j += t }
            }
        }
    }
}

package struct UncheckedBox<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
