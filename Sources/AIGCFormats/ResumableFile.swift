import AIGCCore
import Foundation

/// An append-only output file that survives interruption: data goes to `.NAME.partial` next to the destination;
/// `sync()` makes what was written durable and returns its length (recorded in a checkpoint); a resumed run
/// reopens the partial file truncated to that length; `commit()` renames it into place and returns its size and
/// SHA-256 (computed from the file, so it covers bytes written before an interruption too).
public final class ResumableFile {
    public let url: URL
    public let partialURL: URL
    private let handle: FileHandle
    private var pending: [UInt8] = []
    public private(set) var length: Int
    private let bufferBytes: Int

    /// Starts a new partial file, or with `resumeAt`, continues an existing one cut back to that length. Writes
    /// reach the file in chunks of `bufferBytes` (smaller for writers that keep many files open).
    public init(url: URL, resumeAt: Int? = nil, bufferBytes: Int = 1 << 20) throws {
        self.bufferBytes = max(4096, bufferBytes)
        self.url = url
        partialURL = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        let fm = FileManager.default
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let resumeAt {
            guard let h = FileHandle(forUpdatingAtPath: partialURL.path) else {
                throw AIGCError.io("\(partialURL.path): cannot resume (partial file missing)")
            }
            let size = Int((try? fm.attributesOfItem(atPath: partialURL.path)[.size] as? Int) ?? 0)
            guard size >= resumeAt else { throw AIGCError.io("\(partialURL.path): shorter (\(size) bytes) than its checkpoint (\(resumeAt))") }
            try h.truncate(atOffset: UInt64(resumeAt))
            try h.seekToEnd()
            handle = h
            length = resumeAt
        } else {
            guard fm.createFile(atPath: partialURL.path, contents: nil), let h = FileHandle(forWritingAtPath: partialURL.path) else {
                throw AIGCError.io("cannot create \(partialURL.path)")
            }
            handle = h
            length = 0
        }
        pending.reserveCapacity(self.bufferBytes)
    }

    public func write(_ bytes: some Collection<UInt8>) throws {
        pending.append(contentsOf: bytes)
        length += bytes.count
        if pending.count >= bufferBytes { try flush() }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        length += bytes.count
        if pending.count >= bufferBytes { try flush() }
    }

    private func flush() throws {
        if pending.isEmpty { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes to disk; returns the durable length.
    @discardableResult
    public func sync() throws -> Int {
        try flush()
        try handle.synchronize()
        return length
    }

    public func commit() throws -> (bytes: Int, sha256: String) {
        try sync()
        try handle.close()
        var hasher = SHA256()
        let reader = try FileHandle(forReadingFrom: partialURL)
        while let chunk = try reader.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(chunk) }
        try reader.close()
        if rename(partialURL.path, url.path) != 0 {
            throw AIGCError.io("cannot rename \(partialURL.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
        return (length, hasher.finalizeHex())
    }
}
