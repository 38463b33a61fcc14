import Foundation

/// Writes files atomically: the data goes to a temporary file in the same directory, is flushed, and is renamed
/// over the destination. An interrupted run leaves either the old file or none, never a half file that looks whole.
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
/// without `commit()`, the temporary file is removed.
public final class AtomicFileWriter {
    public let url: URL
    public let temporaryURL: URL
    private var handle: FileHandle?
    private var pending: [UInt8] = []
    private let flushThreshold = 1 << 20
    public private(set) var bytesWritten: Int = 0
    private var hasher = SHA256()

    public init(url: URL) throws {
        self.url = url
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        temporaryURL = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil) else {
            throw AIGCError.io("cannot create \(temporaryURL.path)")
        }
        handle = try FileHandle(forWritingTo: temporaryURL)
        pending.reserveCapacity(flushThreshold)
    }

    public func write(_ data: some DataProtocol) throws {
        for region in data.regions { pending.append(contentsOf: region) }
        if pending.count >= flushThreshold { try flush() }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= flushThreshold { try flush() }
    }

    private func flush() throws {
        guard let handle else { throw AIGCError.io("write after commit to \(url.path)") }
        if pending.isEmpty { return }
        hasher.update(pending)
        try handle.write(contentsOf: pending)
        bytesWritten += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// SHA-256 of everything written; valid after `commit()`.
    public private(set) var sha256: String = ""

    public func commit() throws {
        try flush()
        guard let handle else { return }
        try handle.synchronize()
        try handle.close()
        self.handle = nil
        sha256 = hasher.finalizeHex()
        if rename(temporaryURL.path, url.path) != 0 {
            let e = errno
            try? FileManager.default.removeItem(at: temporaryURL)
            throw AIGCError.io("cannot rename \(temporaryURL.path) to \(url.path): \(String(cString: strerror(e)))")
        }
    }

    deinit {
        if let handle {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporaryURL)
        }
    }
}
