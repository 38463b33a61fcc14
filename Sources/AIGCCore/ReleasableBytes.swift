import Foundation

/// A whole input in memory that a streaming consumer gives back page by page as it moves past it (`release(below:)`).
/// `aigc encode` holds the text whole (it is validated and cut into chunks first), so without this a 30 MB file
/// stayed resident to the end: 29 of its ~80 MiB peak. A regular file of `mappedFrom` bytes or more is read into an
/// anonymous mapping of its own, whose pages `MADV_DONTNEED` returns to the system; other inputs (stdin, pipes,
/// small files) go into an array that is kept whole.
public final class ReleasableBytes: @unchecked Sendable {
    /// Inputs from this size on are read into their own mapping.
    public static let mappedFrom = 1 << 20

    private let mapping: UnsafeMutableRawPointer?
    private let mappedBytes: Int
    private let array: [UInt8]
    /// The number of bytes.
    public let count: Int
    /// Bytes below this offset were given back (a multiple of the page size).
    private var released = 0
    private let lock = NSLock()

    /// Reads all of `file`.
    public init(reading file: InputFile) throws {
        guard let size = file.size, size >= ReleasableBytes.mappedFrom else {
            array = try file.readToEnd()
            count = array.count
            mapping = nil
            mappedBytes = 0
            return
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (size + page - 1) / page * page
        guard let m = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), m != MAP_FAILED else {
            throw AIGCError.io("\(file.name): cannot allocate \(size) bytes to read it into: \(POSIXFile.reason())")
        }
        var n = 0
        var more: [UInt8] = []
        do {
            n = try file.read(into: UnsafeMutableRawBufferPointer(start: m, count: size))
            // A file that grew since it was opened: whatever follows goes into an array with the rest.
            if n == size {
                while true {
                    let next = try file.read(upTo: 1 << 20)
                    if next.isEmpty { break }
                    more.append(contentsOf: next)
                }
            }
        } catch {
            munmap(m, bytes)
            throw error
        }
        if more.isEmpty {
            mapping = m
            mappedBytes = bytes
            array = []
            count = n
        } else {
            array = Array(UnsafeRawBufferPointer(start: m, count: n)) + more
            munmap(m, bytes)
            mapping = nil
            mappedBytes = 0
            count = array.count
        }
    }

    deinit { if let mapping { munmap(mapping, mappedBytes) } }

    /// The bytes (those below a `release` offset must not be read any more).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let mapping {
            return try body(UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: count))
        }
        return try array.withUnsafeBufferPointer(body)
    }

    /// Gives back the whole pages below `offset`: the caller will not read them again. No effect on an array.
    public func release(below offset: Int) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, count) / page * page
        lock.withLock {
            guard end > released else { return }
            _ = madvise(mapping + released, end - released, Int32(MADV_DONTNEED))
            released = end
        }
    }
}
