import AIGCCore
import Foundation

/// Stage "read", one batch ahead: while the build cleans, renders and packs a batch, the next one is read (and the
/// input hashed) on its own thread. Reading was ~3% of a build's CPU on the thread that also runs its share of the
/// per-record stages, so the other threads waited for it at every batch. Batches come out in the same order with
/// the same contents; the first error of a read is rethrown by `next()` (reading stops there). At most one batch is
/// read ahead.
final class ReadAhead: @unchecked Sendable {
    /// A batch, and the input bytes read once it was complete (for progress).
    struct Item {
        var batch: ReadStage.Batch
        var bytesRead: Int
    }

    private let read: ReadStage
    private let queue = DispatchQueue(label: "aigc.corpus.read")
    private let ready = DispatchSemaphore(value: 0)
    /// Written by the read thread before it signals `ready`, read by the caller after waiting for it.
    private var result: Result<Item?, Error> = .success(nil)
    private var inFlight = false

    init(_ read: ReadStage) { self.read = read }

    private func start() {
        inFlight = true
        queue.async { [self] in
            result = Result { try read.next(skipped: {}).map { Item(batch: $0, bytesRead: read.bytesRead) } }
            ready.signal()
        }
    }

    /// The next batch (nil at the end of the inputs); starts reading the one after it.
    func next() throws -> Item? {
        if !inFlight { start() }
        ready.wait()
        inFlight = false
        let item = try result.get()
        if item != nil { start() }
        return item
    }

    /// Waits for a read still under way (the build stops early on an error): nothing touches the reader after.
    func finish() {
        if inFlight {
            ready.wait()
            inFlight = false
        }
    }
}
