import Foundation

/// Whole inputs read into memory, for the commands and APIs that take one text (encode, decode, count, normalize):
/// a file path, or standard input for nil or "-". Errors name the path.
public enum FileBytes {
    /// Reads the whole input. A regular file is read with `read` calls straight into an array of its size (no
    /// intermediate `Data`); standard input and other files (pipes, devices) are read to their end.
    public static func read(_ path: String?) throws -> [UInt8] {
        guard let path, path != "-" else { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return try readStream(path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return try readStream(path) }
        let size = Int(st.st_size)
        if size == 0 { return try readStream(path) }
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            guard let base = buf.baseAddress else { return }
            var off = 0
            while off < size {
                let n = Foundation.read(fd, base + off, size - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
            complete = off == size
            count = off
        }
        // The file changed size while being read: read it again to its end.
        if !complete { return try readStream(path) }
        return bytes
    }

    /// The size of `path` when it is a regular file (known before reading), else 0.
    public static func regularFileSize(_ path: String?) -> Int {
        var st = stat()
        guard let path, path != "-", stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return 0 }
        return Int(st.st_size)
    }

    private static func readStream(_ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw AIGCError.io("\(path): cannot read (\(error.localizedDescription))")
        }
    }
}

/// Reads a whole input (see `FileBytes.read`) on its own thread, and optionally finds its first invalid UTF-8 byte,
/// while the caller does other work (`aigc encode` loads the vocabulary meanwhile). `bytes()` waits for it and
/// rethrows a read error.
public final class BackgroundFileRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[UInt8], Error> = .success([])
    private var invalidAt: Int?

    /// The input's size when it is a regular file (known before reading), else 0.
    public let expectedSize: Int

    public init(path: String?, validateUTF8: Bool) {
        expectedSize = FileBytes.regularFileSize(path)
        let thread = Thread { [self] in
            result = Result { try FileBytes.read(path) }
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

    /// Offset of the first invalid UTF-8 byte when validation was asked for (waits for the read and the check).
    public var firstInvalidUTF8: Int? {
        done.wait()
        done.signal()
        return invalidAt
    }
}
