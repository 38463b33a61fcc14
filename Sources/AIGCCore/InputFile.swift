import Foundation

/// A file (or stdin, for nil or "-") opened for reading with throwing reads. Opening a directory is refused with
/// "is a directory" instead of failing on the first read.
public final class InputFile {
    /// How the input is named in messages: its path, or "stdin".
    public let name: String
    /// The size of a regular file (known before reading), else nil.
    public let size: Int?
    private let fd: Int32
    private let owned: Bool

    public init(path: String?) throws {
        if path == nil || path == "-" {
            name = "stdin"
            fd = 0
            owned = false
        } else {
            let p = path!
            name = p
            let d = open(p, O_RDONLY | O_CLOEXEC)
            guard d >= 0 else { throw AIGCError.io("\(p): cannot open for reading: \(POSIXFile.reason())") }
            fd = d
            owned = true
        }
        let st: stat
        do { st = try POSIXFile.status(fd, name: name) } catch { if owned { close(fd) }; throw error }
        if POSIXFile.isDirectory(st) {
            if owned { close(fd) }
            throw AIGCError.io("\(name): is a directory (expected a file)")
        }
        size = POSIXFile.isRegular(st) ? Int(st.st_size) : nil
    }

    /// The whole input (stdin: until end of file).
    public static func readAll(_ path: String?) throws -> [UInt8] {
        let f = try InputFile(path: path)
        return try f.readToEnd()
    }

    /// Up to `count` bytes; an empty result means end of file.
    public func read(upTo count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            n = try POSIXFile.readSome(fd, into: UnsafeMutableRawBufferPointer(buf), name: name)
        }
    }

    /// Reads into `buffer` until it is full or the input ends; returns the number of bytes read (0: end of file).
    /// For callers that reuse one buffer (no new array, hence no fresh pages, per read).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try POSIXFile.readSome(fd, into: buffer, name: name)
    }

    /// Everything left (a regular file is read straight into one array of its size).
    public func readToEnd() throws -> [UInt8] {
        var out: [UInt8] = []
        if let size, size > 0 { out = try read(upTo: size) }
        while true {
            let more = try read(upTo: 1 << 22)
            if more.isEmpty { break }
            out.append(contentsOf: more)
        }
        return out
    }

    deinit { if owned { close(fd) } }
}
