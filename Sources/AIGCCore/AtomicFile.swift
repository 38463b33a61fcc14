import CKernels
import Foundation

/// Writes files atomically: the data goes to a temporary file in the same directory, is flushed, and is renamed
/// over the destination. An interrupted run leaves either the old file or none, never a half file that looks whole.
/// Special files and symlinks are handled as `OutputDestination` describes (written through, never replaced).
public enum AtomicFile {
    public static func write(_ data: some DataProtocol, to url: URL) throws {
        let writer = try AtomicFileWriter(url: url)
        try writer.write(data)
        try writer.commit()
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}

/// Streams a file into a temporary sibling and renames it into place on `commit()`. If the writer is dropped
/// without `commit()`, the temporary file is removed. A destination that is not a regular file (a device, a FIFO)
/// is written in place; a symlink to a regular file has its target replaced. Every write error throws, naming the
/// destination and the system's reason.
public final class AtomicFileWriter {
    public let url: URL
    /// Where the bytes go until `commit()`: a temporary sibling of the (resolved) destination, or the destination
    /// itself when it is written through.
    public let temporaryURL: URL
    /// False when the destination is a special file written in place.
    public let isAtomic: Bool
    private let destination: URL
    private var fd: Int32
    private var pending: [UInt8] = []
    private let flushThreshold = 1 << 20
    public private(set) var bytesWritten: Int = 0
    /// nil when the caller has no use for the digest (a command's data output): hashing costs ~5% of `normalize`.
    private var hasher: SHA256?
    /// Bytes before this offset were handed to the kernel's writeback (`ck_start_writeback`).
    private var writebackFrom = 0
    /// Why start writeback every MiB (each flush): `commit` must `fsync` before the rename (a crash must never
    /// leave a renamed file whose blocks were not written, and `fsync` is where a late write error shows), and with
    /// the whole file still dirty that `fsync` waited for all of it at the end, after all other work: ~45 ms of a
    /// 30 MB corpus build's ~0.8 s, 2.5–4 ms of a 3 MB `normalize` (~30 ms), 6–10 ms of a 3 MB `encode`. Written
    /// back as it is written, the disk works while the CPU does, and the final `fsync` finds little left (3 MB
    /// emoji text, 21 interleaved runs: `normalize` 30.3 → 27.7 ms with an 8 MiB step → 1 MiB; `encode` 67 → 60 ms).
    package static let writebackStep = 1 << 20

    /// `hashing: false` skips the SHA-256 of the written bytes (`sha256` stays empty).
    public init(url: URL, hashing: Bool = true) throws {
        self.url = url
        hasher = hashing ? SHA256() : nil
        switch OutputDestination.resolve(url) {
        case .atomic(let target):
            destination = target
            isAtomic = true
            let dir = target.deletingLastPathComponent()
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw AIGCError.io("\(url.path): cannot create its directory \(dir.path): \(error.localizedDescription)")
            }
            temporaryURL = dir.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
            // Keep an existing file's permission bits.
            var st = stat()
            let mode: mode_t = stat(target.path, &st) == 0 ? st.st_mode & 0o7777 : 0o666
            // Read-write: a writer may patch bytes it wrote and read them back (`overwrite`, `read(at:into:)`).
            fd = open(temporaryURL.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else { throw AIGCError.io("\(url.path): cannot create \(temporaryURL.path): \(POSIXFile.reason())") }
            if stat(target.path, &st) == 0 { _ = fchmod(fd, mode) }  // not narrowed by the umask
        case .writeThrough(let target):
            destination = target
            isAtomic = false
            temporaryURL = target
            fd = open(target.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw AIGCError.io("\(url.path): cannot open for writing: \(POSIXFile.reason())") }
        }
        pending.reserveCapacity(flushThreshold)
    }

    public func write(_ data: some DataProtocol) throws {
        for region in data.regions { pending.append(contentsOf: region) }
        if pending.count >= flushThreshold { try flush() }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws {
        if bytes.count >= flushThreshold {
            try flush()
            try put(bytes)
            return
        }
        pending.append(contentsOf: bytes)
        if pending.count >= flushThreshold { try flush() }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw AIGCError.io("\(url.path): write after commit") }
        hasher?.update(buffer: bytes)
        try POSIXFile.writeAll(fd, bytes, name: url.path)
        bytesWritten += bytes.count
        if isAtomic && bytesWritten - writebackFrom >= AtomicFileWriter.writebackStep {
            // Advisory (errors surface at `fsync`); special files written through are not ours to flush.
            _ = ck_start_writeback(fd, Int64(writebackFrom), Int64(bytesWritten - writebackFrom))
            writebackFrom = bytesWritten
        }
    }

    private func flush() throws {
        if pending.isEmpty { return }
        try pending.withUnsafeBytes { try put($0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Replaces bytes already written at `offset` (a header whose sizes are known only at the end). Atomic
    /// writers only (a special file written through cannot be patched or read back).
    public func overwrite(at offset: Int, bytes: UnsafeRawBufferPointer) throws {
        try flush()
        guard fd >= 0 else { throw AIGCError.io("\(url.path): write after commit") }
        guard isAtomic else { throw AIGCError.io("\(url.path): a special file cannot be patched after writing") }
        if bytes.isEmpty { return }
        guard offset >= 0, offset + bytes.count <= bytesWritten else {
            throw AIGCError.io("\(url.path): internal: patch of \(bytes.count) bytes at \(offset) beyond the \(bytesWritten) written")
        }
        try POSIXFile.writeAll(fd, bytes, at: offset, name: url.path)
    }

    /// Reads back `buffer.count` bytes written at `offset` (atomic writers only).
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        try flush()
        guard fd >= 0 else { throw AIGCError.io("\(url.path): read after commit") }
        guard isAtomic else { throw AIGCError.io("\(url.path): a special file cannot be read back") }
        if buffer.isEmpty { return }
        guard offset >= 0, offset + buffer.count <= bytesWritten else {
            throw AIGCError.io("\(url.path): internal: read of \(buffer.count) bytes at \(offset) beyond the \(bytesWritten) written")
        }
        try POSIXFile.readAll(fd, into: buffer, at: offset, name: url.path)
    }

    /// SHA-256 of everything written; valid after `commit()` (empty when made with `hashing: false`, unless
    /// committed with `hashingFile`).
    public private(set) var sha256: String = ""

    /// `hashingFile`: the SHA-256 is computed by reading the whole file back before it is renamed (for a file
    /// patched with `overwrite`, whose bytes were not written in order; atomic writers only).
    public func commit() throws { try commit(hashingFile: false) }

    public func commit(hashingFile: Bool) throws {
        try flush()
        guard fd >= 0 else { return }
        if hashingFile {
            var h = SHA256()
            let chunk = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
            defer { buffer.deallocate() }
            var offset = 0
            while offset < bytesWritten {
                let n = min(chunk, bytesWritten - offset)
                try read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]))
                h.update(buffer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                offset += n
            }
            hasher = h
        }
        let d = fd
        fd = -1
        if isAtomic, fsync(d) != 0 {
            let e = errno
            close(d)
            unlink(temporaryURL.path)
            throw AIGCError.io("\(url.path): cannot flush to disk: \(POSIXFile.reason(e))")
        }
        if close(d) != 0 && isAtomic {
            let e = errno
            unlink(temporaryURL.path)
            throw AIGCError.io("\(url.path): write failed on close: \(POSIXFile.reason(e))")
        }
        if var h = hasher { sha256 = h.finalizeHex() }
        guard isAtomic else { return }
        if rename(temporaryURL.path, destination.path) != 0 {
            let e = errno
            unlink(temporaryURL.path)
            throw AIGCError.io("cannot rename \(temporaryURL.path) to \(destination.path): \(POSIXFile.reason(e))")
        }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            if isAtomic { unlink(temporaryURL.path) }
        }
    }
}
