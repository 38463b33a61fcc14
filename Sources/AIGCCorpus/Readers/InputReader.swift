import AIGCCore
import Foundation

/// Streams raw records out of a list of input files in order, in bounded memory: JSONL and DailyDialog files by
/// line, JSON arrays (first non-blank byte `[`) element by element, and `text` files whole. `.gz` inputs are
/// inflated on the fly. Blank lines are not records: they are counted in `blankLines`. A record over
/// `maxRecordBytes` is not held in memory: its bytes are skipped as they are read, and it comes back as an empty
/// record with its size in `oversize` (JSON array elements, which must be found by parsing, are checked once
/// split).
///
/// With `ranges` (a task of a corpus plan) only those byte ranges are read, in order: ordinals count from 0 and
/// line numbers from 1 in each range, and `rangeCounts` says how many lines and records each range held, which is
/// what `aigc corpus merge` needs to turn them back into the single run's numbers.
public final class InputReader {
    public let paths: [String]
    public let format: InputFormat
    /// nil: every input file, whole.
    public let ranges: [InputRange]?
    private var fileIndex = -1
    private var unitIndex = -1
    private var unitRecords = 0
    /// Lines and records of every range (or file) read completely, in order.
    public private(set) var rangeCounts: [(lines: Int, records: Int)] = []
    private var reader: ChunkReader?
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var line = 1
    private var eof = true
    private var arrayMode = false
    private var splitter = JSONArraySplitter()
    private var nextOrdinal: UInt64 = 0
    /// Whitespace-only lines skipped (not records).
    public private(set) var blankLines = 0
    /// Bytes read from input files so far (compressed bytes for `.gz`), for progress.
    public var fileBytesRead: Int { finishedFileBytes + (reader?.fileBytesRead ?? 0) }
    private var finishedFileBytes = 0
    /// Decoded offset in the current file of `buffer[0]`.
    private var bufferBase = 0
    /// Records longer than this are skipped while reading (see `RawRecord.oversize`).
    public let maxRecordBytes: Int

    public init(paths: [String], format: InputFormat, ranges: [InputRange]? = nil, maxRecordBytes: Int = Int.max) {
        self.paths = paths
        self.format = format
        self.ranges = ranges
        self.maxRecordBytes = max(1, maxRecordBytes)
    }

    /// Returns the next batch of about `maxBytes` bytes or `maxRecords` records, or nil at the end of all inputs.
    public func nextBatch(maxRecords: Int = 4096, maxBytes: Int = 8 << 20) throws -> RawBatch? {
        var batch = RawBatch()
        batch.storage.reserveCapacity(min(maxBytes, 1 << 24) + 4096)
        while batch.records.count < maxRecords && batch.storage.count < maxBytes {
            if reader == nil {
                if !(try openNextFile()) { break }
            }
            if format == .text {
                guard let r = reader else { break }
                // The file is one record: read it whole, or, past the limit, only count (and hash) its bytes.
                var bytes: [UInt8] = []
                var skipped = 0
                while try r.read(into: &bytes) {
                    if skipped > 0 || bytes.count > maxRecordBytes {
                        skipped += bytes.count
                        bytes.removeAll(keepingCapacity: true)
                    }
                }
                let start = batch.storage.count
                if skipped == 0 { batch.storage.append(contentsOf: bytes) }
                batch.records.append(RawRecord(range: start..<batch.storage.count, fileIndex: fileIndex, line: 1, ordinal: nextOrdinal,
                                               oversize: skipped))
                nextOrdinal += 1
                unitRecords += 1
                closeFile()
                continue
            }
            if !(try nextRecord(into: &batch)) { closeFile() }
        }
        return batch.isEmpty ? nil : batch
    }

    private func openNextFile() throws -> Bool {
        unitIndex += 1
        var slice: Range<Int>? = nil
        if let ranges {
            guard unitIndex < ranges.count else { return false }
            let r = ranges[unitIndex]
            guard r.input >= 0 && r.input < paths.count, r.start >= 0, r.start <= r.end else {
                throw AIGCError.usage("input range \(r.label) does not name a byte range of one of the \(paths.count) inputs")
            }
            fileIndex = r.input
            var st = stat()
            guard stat(paths[fileIndex], &st) == 0 else {
                throw AIGCError.io("\(paths[fileIndex]): cannot stat (\(String(cString: strerror(errno))))")
            }
            if r.start > 0 || r.end < Int(st.st_size) {
                guard format != .text else {
                    throw AIGCError.input(location: paths[fileIndex], message: "a text document is read whole, not as byte range \(r.start)..<\(r.end)")
                }
                slice = r.start..<r.end
            }
        } else {
            fileIndex = unitIndex
            guard fileIndex < paths.count else { return false }
        }
        reader = try ChunkReader(path: paths[fileIndex], chunkSize: 1 << 20, slice: slice)
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
        bufferBase = slice?.lowerBound ?? 0  // offsets in the file, not in a plan task's range
        line = 1
        unitRecords = 0
        eof = false
        arrayMode = false
        splitter = JSONArraySplitter()
        if let slice {
            // A byte range holds whole lines of a JSONL file; a JSON array is only ever read whole.
            let jsonFormat = format != .dailydialog && format != .jsonl
            if try slice.lowerBound == 0 && jsonFormat && sniffArray() {
                throw AIGCError.input(location: paths[fileIndex], message: "a JSON array is read whole, not as byte range \(slice.lowerBound)..<\(slice.upperBound)")
            }
            return true
        }
        if format != .text && format != .dailydialog && format != .jsonl {
            arrayMode = try sniffArray()
        }
        return true
    }

    /// Whether the first non-blank byte (after a BOM) of the current file is `[`.
    private func sniffArray() throws -> Bool {
        // `[` means one JSON array of records rather than JSONL.
        while !eof {
            var i = bufferStart
            while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 || buffer[i] == 0xEF || buffer[i] == 0xBB || buffer[i] == 0xBF { i += 1 }
            if i < buffer.count { return buffer[i] == UInt8(ascii: "[") }
            try refill()
        }
        return false
    }

    private func closeFile() {
        if let r = reader {
            // Drain what is left (bytes after a JSON array's ']'), so the hash covers the whole file.
            var sink: [UInt8] = []
            while (try? r.read(into: &sink)) == true { sink.removeAll(keepingCapacity: true) }
            finishedFileBytes += r.fileBytesRead
            fileHashes.append((paths[fileIndex], r.fileBytesRead, r.sha256))
            rangeCounts.append((line - 1, unitRecords))
        }
        reader = nil
    }

    /// (path, bytes, SHA-256) of each input file completely read, in order.
    public private(set) var fileHashes: [(path: String, bytes: Int, sha256: String)] = []

    /// Reads more bytes into `buffer` (compacting consumed bytes first). Sets `eof` at the end of the file.
    private func refill() throws {
        if bufferStart > 0 && bufferStart >= buffer.count / 2 {
            bufferBase += bufferStart
            buffer.removeSubrange(0..<bufferStart)
            splitter.shift(by: bufferStart)
            bufferStart = 0
        }
        guard let r = reader else { eof = true; return }
        if !(try r.read(into: &buffer)) { eof = true }
    }

    /// Appends the next record of the current file to `batch`; false when the file is exhausted.
    private func nextRecord(into batch: inout RawBatch) throws -> Bool {
        if arrayMode { return try nextArrayElement(into: &batch) }
        var scanFrom = bufferStart
        while true {
            let end: Int? = buffer.withUnsafeBufferPointer { p -> Int? in
                guard scanFrom < p.count else { return nil }
                guard let base = p.baseAddress,
                      let hit = memchr(base + scanFrom, 0x0A, p.count - scanFrom) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if end == nil && !eof && buffer.count - bufferStart > maxRecordBytes {
                try skipOversizedLine(into: &batch)
                return true
            }
            if end == nil && !eof {
                let consumedBefore = bufferStart
                try refill()
                scanFrom = max(bufferStart, scanFrom - (consumedBefore - bufferStart))
                continue
            }
            let lineEnd = end ?? buffer.count
            if lineEnd == bufferStart && end == nil { return false }
            let thisLine = line
            line += 1
            var e = lineEnd
            if e > bufferStart && buffer[e - 1] == 0x0D { e -= 1 }
            let start = bufferStart
            bufferStart = end == nil ? lineEnd : lineEnd + 1
            if isBlank(start..<e) {
                blankLines += 1
                if end == nil { return false }
                scanFrom = bufferStart
                continue
            }
            let s = batch.storage.count
            let over = e - start > maxRecordBytes
            if !over { batch.storage.append(contentsOf: buffer[start..<e]) }
            batch.records.append(RawRecord(range: s..<batch.storage.count, fileIndex: fileIndex, line: thisLine, ordinal: nextOrdinal,
                                           oversize: over ? e - start : 0, byteOffset: bufferBase + start))
            nextOrdinal += 1
            unitRecords += 1
            return true
        }
    }

    /// The line starting at `bufferStart` has no end in `buffer` and is already over `maxRecordBytes`: reads on to
    /// its end, keeping none of it, and appends it as an oversized record.
    private func skipOversizedLine(into batch: inout RawBatch) throws {
        let thisLine = line
        line += 1
        let offset = bufferBase + bufferStart
        var size = buffer.count - bufferStart
        var lastByte = buffer.last ?? 0
        bufferBase += buffer.count
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
        while !eof {
            guard let r = reader else { eof = true; break }
            if !(try r.read(into: &buffer)) { eof = true; break }
            if let nl = buffer.firstIndex(of: 0x0A) {
                size += nl
                if nl > 0 { lastByte = buffer[nl - 1] }
                bufferStart = nl + 1
                break
            }
            size += buffer.count
            lastByte = buffer.last ?? lastByte
            bufferBase += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
        if lastByte == 0x0D { size -= 1 }
        let s = batch.storage.count
        batch.records.append(RawRecord(range: s..<s, fileIndex: fileIndex, line: thisLine, ordinal: nextOrdinal, oversize: size, byteOffset: offset))
        nextOrdinal += 1
        unitRecords += 1
    }

    private func isBlank(_ r: Range<Int>) -> Bool {
        for i in r where !(buffer[i] == 0x20 || buffer[i] == 0x09 || buffer[i] == 0x0D) { return false }
        return true
    }

    private func nextArrayElement(into batch: inout RawBatch) throws -> Bool {
        while true {
            switch try splitter.next(buffer, from: bufferStart, eof: eof, source: paths[fileIndex]) {
            case .element(let range, let startLine):
                let s = batch.storage.count
                let over = range.count > maxRecordBytes
                if !over { batch.storage.append(contentsOf: buffer[range]) }
                batch.records.append(RawRecord(range: s..<batch.storage.count, fileIndex: fileIndex, line: startLine, ordinal: nextOrdinal,
                                               oversize: over ? range.count : 0, byteOffset: bufferBase + range.lowerBound))
                nextOrdinal += 1
                unitRecords += 1
                bufferStart = range.upperBound
                return true
            case .needMore:
                try refill()
            case .end:
                return false
            }
        }
    }
}
