import Foundation

/// The process's standard output, buffered, with every write error thrown (a full disk, a closed pipe reported as
/// `EPIPE`): `aigc … > /dev/full` must fail, not lose the output and exit 0. All data a command prints goes through
/// here — never `print` (whose stdio buffer is flushed at exit, errors ignored) or `FileHandle.standardOutput`
/// (which traps on a write error). Thread-safe.
public enum StandardOutput {
    private static let state = Buffer()

    private final class Buffer: @unchecked Sendable {
        let lock = NSLock()
        var bytes: [UInt8] = []
        /// The first write error, kept so a later `flush()` reports it too.
        var failure: AIGCError?
    }

    private static let threshold = 1 << 20

    public static func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(bytes: UnsafeRawBufferPointer($0)) }
    }

    public static func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write(bytes: $0) }
    }

    public static func write(_ data: some DataProtocol) throws {
        for region in data.regions { try region.withUnsafeBytes { try write(bytes: $0) } }
    }

    /// Writes one line (a `\n` is appended).
    public static func line(_ text: String) throws { try write(text + "\n") }

    public static func write(bytes: UnsafeRawBufferPointer) throws {
        let s = state
        s.lock.lock(); defer { s.lock.unlock() }
        if let f = s.failure { throw f }
        if bytes.count >= threshold {
            try flushLocked(s)
            try put(bytes, s)
            return
        }
        s.bytes.append(contentsOf: bytes)
        if s.bytes.count >= threshold { try flushLocked(s) }
    }

    /// Writes out what is buffered; throws the first write error seen.
    public static func flush() throws {
        let s = state
        s.lock.lock(); defer { s.lock.unlock() }
        if let f = s.failure { throw f }
        try flushLocked(s)
    }

    private static func flushLocked(_ s: Buffer) throws {
        guard !s.bytes.isEmpty else { return }
        defer { s.bytes.removeAll(keepingCapacity: true) }
        try s.bytes.withUnsafeBytes { try put($0, s) }
    }

    private static func put(_ p: UnsafeRawBufferPointer, _ s: Buffer) throws {
        do { try POSIXFile.writeAll(1, p, name: "stdout") } catch let e as AIGCError {
            s.failure = e
            throw e
        }
    }
}
