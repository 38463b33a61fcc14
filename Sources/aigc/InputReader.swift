import AIGC
import Foundation

/// Reads the input (a file or stdin) on its own thread, and optionally finds its first invalid UTF-8 byte, while
/// the caller does other work (loading a vocabulary). `bytes()` waits for it and rethrows a read error.
final class InputReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[UInt8], Error> = .success([])
    /// Offset of the first invalid UTF-8 byte (when asked to validate); valid after `bytes()`.
    private(set) var firstInvalid: Int?

    init(path: String?, validate: Bool) {
        let thread = Thread { [self] in
            result = Result { try InputReader.read(path) }
            if validate, case .success(let b) = result { firstInvalid = b.withUnsafeBufferPointer { firstInvalidUTF8($0) } }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func bytes() throws -> [UInt8] {
        done.wait()
        return try result.get()
    }

    /// A regular file is read with one `read` per call into an array of its size (no intermediate `Data`); stdin
    /// and other files go through `readInput`.
    static func read(_ path: String?) throws -> [UInt8] {
        guard let path, path != "-" else { return try readInput(path) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return try readInput(path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return try readInput(path) }
        let size = Int(st.st_size)
        if size == 0 { return try readInput(path) }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var off = 0
            while off < size {
                let n = Foundation.read(fd, buf.baseAddress! + off, size - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
            failed = off != size
            count = off
        }
        // The file changed size while being read: fall back to reading it whole.
        if failed { return try readInput(path) }
        return bytes
    }
}
