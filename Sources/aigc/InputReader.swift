import AIGC
import Foundation

/// Reads the input (a file or stdin) on its own thread, and optionally finds its first invalid UTF-8 byte, while
/// the caller does other work (loading a vocabulary). `bytes()` waits for it and rethrows a read error.
final class InputReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[UInt8], Error> = .success([])
    /// Offset of the first invalid UTF-8 byte (when asked to validate); valid after `bytes()`.
    private(set) var firstInvalid: Int?

    /// The input's size when it is a regular file (known before reading), else 0.
    let expectedSize: Int

    init(path: String?, validate: Bool) {
        var st = stat()
        if let path, path != "-", stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG { expectedSize = Int(st.st_size) } else { expectedSize = 0 }
        let thread = Thread { [self] in
            result = Result { try InputReader.read(path) }
            if validate, case .success(let b) = result { firstInvalid = b.withUnsafeBufferPointer { InputReader.firstInvalidInHalves($0) } }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// `firstInvalidUTF8` with the second half on another thread (the check is on the encoder's critical path
    /// once the vocabulary loads from its cache). Exact: the split offset s is a byte that is not a continuation
    /// byte, so no valid sequence crosses s, a sequence before s that would need byte s is invalid in both views,
    /// and when the first half is valid the sequence walk reaches s exactly — the answer is the first half's, else
    /// s + the second half's. Without such a byte within 4 of the middle the input is invalid there: one walk.
    static func firstInvalidInHalves(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = p.count
        guard n >= 1 << 20 else { return firstInvalidUTF8(p) }
        var s = n / 2
        while s > n / 2 - 4 && p[s] & 0xC0 == 0x80 { s -= 1 }
        if p[s] & 0xC0 == 0x80 { return firstInvalidUTF8(p) }
        let box = HalfResult()
        let done = DispatchSemaphore(value: 0)
        let tail = UnsafeBufferPointer(rebasing: p[s...])
        nonisolated(unsafe) let tailPtr = tail
        DispatchQueue.global().async {
            box.value = firstInvalidUTF8(tailPtr)
            done.signal()
        }
        let head = firstInvalidUTF8(UnsafeBufferPointer(rebasing: p[..<s]))
        done.wait()
        if let head { return head }
        return box.value.map { s + $0 }
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

/// The second half's answer (written before the semaphore is signalled).
private final class HalfResult: @unchecked Sendable { var value: Int? }
