import AIGCCore
import Foundation

/// Runs the order-dependent stage one batch behind the parallel ones: work runs one item at a time, in submission
/// order, on a serial queue, overlapping with the parallel stages of the next batch; at most two batches are in
/// flight (bounded memory). The first error stops later work and is rethrown by `drain()`.
final class InOrderQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "aigc.corpus.sequential")
    private let slots = DispatchSemaphore(value: 2)
    private let failure = FailureBox()

    /// True once some work failed (the producer stops reading).
    var failed: Bool { failure.error != nil }

    /// Queues `work`; waits while two batches are in flight.
    func submit(_ work: @escaping @Sendable () throws -> Void) {
        slots.wait()
        queue.async { [failure, slots] in
            defer { slots.signal() }
            guard failure.error == nil else { return }
            do { try work() } catch { failure.set(error) }
        }
    }

    /// Waits for all queued work; rethrows the first error.
    func drain() throws {
        queue.sync {}
        try failure.check()
    }
}
