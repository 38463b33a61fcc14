import Foundation

/// The toolkit's only primitive for moving bytes through a file descriptor. Every call either completes or throws
/// an `AIGCError.io` naming the file and the system's reason (`No space left on device`, `Is a directory`, …):
/// Foundation's `FileHandle.write(_:)`, `readData(ofLength:)` and `readDataToEndOfFile()` end the process in a
/// `try!` on such errors, so nothing on a user-controlled path uses them.
package enum POSIXFile {
    /// The text of `errno` (or of `code`).
    package static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw AIGCError.io("\(name): write failed: \(reason())")
            }
            if n == 0 { throw AIGCError.io("\(name): write failed: no progress") }
            p += n
            left -= n
        }
    }

    /// Writes all of `bytes` at `offset` (`pwrite`: the file position does not move), retrying short writes and
    /// `EINTR`.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, name: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw AIGCError.io("\(name): write failed: \(reason())")
            }
            if n == 0 { throw AIGCError.io("\(name): write failed: no progress") }
            done += n
        }
    }

    /// Reads exactly `buffer.count` bytes at `offset` (`pread`); a file that ends first is an error.
    package static func readAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, name: String) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw AIGCError.io("\(name): read failed: \(reason())")
            }
            if n == 0 { throw AIGCError.io("\(name): read failed: the file is shorter than written") }
            done += n
        }
    }

    /// Reads up to `buffer.count` bytes (fewer only at end of file); 0 means end of file.
    package static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, name: String) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var got = 0
        while got < buffer.count {
            let n = read(fd, base + got, buffer.count - got)
            if n < 0 {
                if errno == EINTR { continue }
                throw AIGCError.io("\(name): read failed: \(reason())")
            }
            if n == 0 { break }
            got += n
        }
        return got
    }

    /// Opens `path` read-only; the error names it.
    package static func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw AIGCError.io("\(path): cannot open for reading (\(reason()))") }
        return fd
    }

    /// `fstat` of an open descriptor.
    package static func status(_ fd: Int32, name: String) throws -> stat {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw AIGCError.io("\(name): cannot stat: \(reason())") }
        return st
    }

    package static func isRegular(_ st: stat) -> Bool { st.st_mode & S_IFMT == S_IFREG }
    package static func isDirectory(_ st: stat) -> Bool { st.st_mode & S_IFMT == S_IFDIR }
}
