import AIGCCore
import CZlib
import Foundation

/// Reads a file as a stream of byte chunks, transparently inflating gzip (`.gz` name or gzip magic bytes,
/// concatenated members included). Memory is bounded by the chunk size whatever the file size.
///
/// zlib comes in through a `.systemLibrary` target rather than a package: the mirror has no standalone gzip
/// package, and libz ships with every Linux distribution and macOS SDK.
public final class ChunkReader {
    public let path: String
    private let fd: Int32
    private let gzip: Bool
    private var stream = z_stream()
    private var streamOpen = false
    private var inBuffer: [UInt8]
    private var inStart = 0, inEnd = 0
    private var eof = false
    private var finished = false
    /// Bytes read from the file so far (compressed bytes for gzip); for progress.
    public private(set) var fileBytesRead = 0
    public let chunkSize: Int
    /// SHA-256 of the raw file bytes read so far (complete after the last read): manifests record input hashes
    /// without a second pass over the file.
    public private(set) var hasher = SHA256()
    public var sha256: String { var h = hasher; return h.finalizeHex() }

    /// Bytes left to read of a `slice` (nil: to the end of the file).
    private var remaining: Int?

    /// `slice`: read only these bytes of a plain (not gzip) file, a byte range of a corpus plan. It must hold whole
    /// lines: start at 0 or just after a newline, end at the end of the file or just after a newline.
    public init(path: String, chunkSize: Int = 1 << 20, slice: Range<Int>? = nil) throws {
        self.path = path
        self.chunkSize = max(chunkSize, 4096)
        fd = try POSIXFile.openForReading(path)
        inBuffer = [UInt8](repeating: 0, count: self.chunkSize)
        // Sniff the gzip magic (1f 8b) so a `.gz` name is not required and a misnamed plain file still works.
        var magic: (UInt8, UInt8) = (0, 0)
        let n = pread(fd, &magic, 2, 0)
        gzip = n == 2 && magic.0 == 0x1F && magic.1 == 0x8B
        // (A throw from here on runs deinit, which closes the file.)
        if let slice {
            try startSlice(slice)
        } else if gzip {
            try openStream()
        }
    }

    private func startSlice(_ slice: Range<Int>) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw AIGCError.io("\(path): cannot stat (\(String(cString: strerror(errno))))") }
        let size = Int(st.st_size)
        guard slice.lowerBound >= 0, slice.upperBound <= size else {
            throw AIGCError.input(location: path, message: "byte range \(slice.lowerBound)..<\(slice.upperBound) lies outside the file (\(size) bytes)")
        }
        guard !gzip else {
            throw AIGCError.input(location: path, message: "a gzip file can only be read whole, not as byte range \(slice.lowerBound)..<\(slice.upperBound)")
        }
        func byte(at offset: Int) throws -> UInt8 {
            var b: UInt8 = 0
            guard pread(fd, &b, 1, off_t(offset)) == 1 else { throw AIGCError.io("\(path): cannot read byte \(offset)") }
            return b
        }
        if slice.lowerBound > 0, try byte(at: slice.lowerBound - 1) != 0x0A {
            throw AIGCError.input(location: path, message: "byte range \(slice.lowerBound)..<\(slice.upperBound) does not start just after a newline (the file changed since the plan was made?)")
        }
        if slice.upperBound < size, slice.upperBound > slice.lowerBound, try byte(at: slice.upperBound - 1) != 0x0A {
            throw AIGCError.input(location: path, message: "byte range \(slice.lowerBound)..<\(slice.upperBound) does not end just after a newline (the file changed since the plan was made?)")
        }
        guard lseek(fd, off_t(slice.lowerBound), SEEK_SET) == off_t(slice.lowerBound) else {
            throw AIGCError.io("\(path): cannot seek to byte \(slice.lowerBound)")
        }
        remaining = slice.count
    }

    deinit {
        if streamOpen { inflateEnd(&stream) }
        close(fd)
    }

    private func openStream() throws {
        stream = z_stream()
        // 15 + 16: gzip wrapper only (a zlib or raw stream is an error, not silently misread).
        let rc = aigc_inflate_init2(&stream, 15 + 16)
        if rc != Z_OK { throw AIGCError.io("\(path): cannot initialise gzip decoder (zlib code \(rc))") }
        streamOpen = true
    }

    private func fill() throws {
        if inStart < inEnd || eof { return }
        let want = min(chunkSize, remaining ?? chunkSize)
        let n = want == 0 ? 0 : inBuffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, want) }
        if n < 0 { throw AIGCError.io("\(path): read error (\(String(cString: strerror(errno))))") }
        if n == 0 { eof = true }
        if n > 0 { inBuffer.withUnsafeBytes { hasher.update(buffer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
        inStart = 0
        inEnd = n
        fileBytesRead += n
        if let r = remaining, n > 0 { remaining = r - n }
    }

    /// Appends the next chunk of decoded bytes to `out`; returns false at the end of the input.
    public func read(into out: inout [UInt8]) throws -> Bool {
        if finished { return false }
        if !gzip {
            try fill()
            if inStart == inEnd { finished = true; return false }
            out.append(contentsOf: inBuffer[inStart..<inEnd])
            inStart = inEnd
            return true
        }
        let base = out.count
        out.reserveCapacity(base + chunkSize)
        var produced = 0
        var scratch = [UInt8](repeating: 0, count: chunkSize)
        while produced == 0 {
            try fill()
            if inStart == inEnd && eof {
                // A member that ended exactly at EOF is fine; a truncated one is not.
                if streamOpen && stream.total_in > 0 {
                    throw AIGCError.input(location: path, message: "truncated gzip stream (unexpected end of file after \(fileBytesRead) bytes)")
                }
                finished = true
                return out.count > base
            }
            if !streamOpen { try openStream() }
            let avail = inEnd - inStart
            var rc: Int32 = 0
            var consumed = 0
            var got = 0
            inBuffer.withUnsafeMutableBufferPointer { inp in
                scratch.withUnsafeMutableBufferPointer { outp in
                    stream.next_in = inp.baseAddress! + inStart
                    stream.avail_in = UInt32(avail)
                    stream.next_out = outp.baseAddress!
                    stream.avail_out = UInt32(chunkSize)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    consumed = avail - Int(stream.avail_in)
                    got = chunkSize - Int(stream.avail_out)
                }
            }
            inStart += consumed
            if got > 0 { out.append(contentsOf: scratch[0..<got]); produced += got }
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                if rc == Z_BUF_ERROR && consumed == 0 && got == 0 && inStart < inEnd {
                    throw AIGCError.input(location: path, message: "corrupt gzip stream")
                }
            case Z_STREAM_END:
                // Concatenated gzip members (as `cat a.gz b.gz` makes) continue with a fresh stream.
                inflateEnd(&stream)
                streamOpen = false
                try fill()
                if inStart == inEnd && eof { finished = true; return out.count > base }
                if inStart < inEnd && inBuffer[inStart] != 0x1F {
                    // Trailing garbage (e.g. zero padding from tape-style tools) ends the stream, as gzip -d does.
                    finished = true
                    return out.count > base
                }
                try openStream()
            default:
                let msg = stream.msg.map { String(cString: $0) } ?? "zlib code \(rc)"
                throw AIGCError.input(location: path, message: "corrupt gzip stream (\(msg)) near compressed byte \(fileBytesRead - (inEnd - inStart))")
            }
        }
        return true
    }

    /// Reads everything (used for `text` documents, one file per document).
    public func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while try read(into: &out) {}
        return out
    }
}
