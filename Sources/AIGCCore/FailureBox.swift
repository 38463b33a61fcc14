import Foundation

/// The first error of work that cannot throw where it fails (a parallel stage, a serial queue, a non-throwing
/// encoder), kept until a caller that can throw checks it. Later errors are ignored: the first names the problem.
package final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    package init() {}

    package var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }

    package func set(_ e: Error) { lock.lock(); if stored == nil { stored = e }; lock.unlock() }

    /// Throws the stored error, if any.
    package func check() throws { if let e = error { throw e } }
}
