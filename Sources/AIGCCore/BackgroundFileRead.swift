import Foundation

/// Reads a whole input (a file, or stdin for nil or "-"; see `InputFile`) on its own thread, and optionally finds its
/// first invalid UTF-8 byte, while the caller does other work (`aigc encode` loads the vocabulary meanwhile).
/// `bytes()` waits for it and rethrows an open or read error.
public final class BackgroundFileRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[UInt8], Error> = .success([])
    private var invalidAt: Int?

    /// The input's size when it is a regular file (known before reading), else 0.
    public let expectedSize: Int

    public init(path: String?, validateUTF8: Bool) {
        let opened = Result { try InputFile(path: path) }
        expectedSize = (try? opened.get())?.size ?? 0
        nonisolated(unsafe) let file = opened
        let thread = Thread { [self] in
            result = file.flatMap { f in Result { try f.readToEnd() } }
            if validateUTF8, case .success(let b) = result {
                invalidAt = b.withUnsafeBufferPointer { UTF8Bytes.firstInvalidInHalves($0) }
            }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The whole input (waits for the read).
    public func bytes() throws -> [UInt8] {
        done.wait()
        done.signal()
        return try result.get()
    }

    /// Offset of the first invalid UTF-8 byte, when validation was asked for (waits for the read and the check).
    public var firstInvalidUTF8: Int? {
        done.wait()
        done.signal()
        return invalidAt
    }
}
