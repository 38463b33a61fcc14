import AIGCCore
import AIGCText
import Foundation

/// Splits one line into pre-tokens: calls the closure with each pre-token's byte range. This is the shape of
/// `PreTokenizer.split`, kept as a closure so counting does not care where the splitter comes from.
public typealias PreTokenSplitter = @Sendable (UnsafeBufferPointer<UInt8>, (Range<Int>) -> Void) -> Void

/// Counts the pre-tokens of text files the way HF's `Tokenizer.train(files)` sees them: each file line by line,
/// a line keeping its `\n` (a last line without one is still a line), optionally normalized, then split.
///
/// Files are streamed in chunks cut at line ends, so memory is bounded by the distinct pre-tokens and a few
/// chunks, not by the corpus. A batch of chunks is counted on all threads at once, each thread into its own
/// table; the tables are summed at the end, so the counts are the same for any thread count.
public struct PreTokenCounter: Sendable {
    public var split: PreTokenSplitter
    public var normalizer: TextNormalizer?
    public var threads: Int
    public var invalidLines: InvalidUTF8Policy
    /// Bytes per chunk (a line longer than this is read whole).
    public var chunkSize: Int = 4 << 20

    public init(split: @escaping PreTokenSplitter, normalizer: TextNormalizer? = nil, threads: Int = 0,
                invalidLines: InvalidUTF8Policy = .skip) {
        self.split = split
        self.normalizer = normalizer
        self.threads = threads > 0 ? threads : Limits.cores
        self.invalidLines = invalidLines
    }

    /// Counts every file; `progress` receives the number of bytes read so far.
    public func count(files: [String], progress: (@Sendable (Int) -> Void)? = nil) throws -> (PreTokenCounts, PreTokenCountingStats) {
        let workers = max(1, threads)
        let tables = SlotBuffer<PreTokenCounts>(count: workers, initial: PreTokenCounts())
        defer { tables.free() }
        let caches = SlotBuffer<ShortTokenCache>(count: workers, initial: ShortTokenCache())
        defer { caches.free() }
        var stats = PreTokenCountingStats()
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { readBuffer.deallocate() }
        for path in files {
            let fd = try POSIXFile.openForReading(path)
            defer { close(fd) }
            var carry: [UInt8] = []
            var fileOffset = 0   // file offset of carry[0]
            var lineBase = 1     // line number of carry's first line
            var eof = false
            while !eof {
                // Read up to `workers` chunks, each ending at a line end (the rest carries over).
                var chunks: [(bytes: [UInt8], offset: Int)] = []
                while chunks.count < workers && !eof {
                    var buf = carry
                    carry = []
                    let start = fileOffset
                    while true {
                        if buf.count >= chunkSize, let nl = buf.lastIndex(of: 0x0A) {
                            carry = Array(buf[(nl + 1)...])
                            buf.removeLast(buf.count - nl - 1)
                            break
                        }
                        let want = min(max(chunkSize - buf.count, 1 << 16), readBuffer.count)
                        let got = read(fd, readBuffer.baseAddress!, want)
                        if got < 0 {
                            throw AIGCError.io("\(path): read failed (\(String(cString: strerror(errno))))")
                        }
                        if got == 0 { eof = true; break }
                        buf.append(contentsOf: UnsafeRawBufferPointer(rebasing: readBuffer[0..<got]))
                        progress?(got)
                        stats.bytes += got
                    }
                    fileOffset = start + buf.count
                    if !buf.isEmpty { chunks.append((buf, start)) }
                }
                if chunks.isEmpty { break }
                let results = SlotBuffer<ChunkResult>(count: chunks.count, initial: ChunkResult())
                defer { results.free() }
                let me = self
                let batch = chunks
                Parallel.forEach(batch.count, threads: batch.count, chunk: 1) { i in
                    results.base[i] = batch[i].bytes.withUnsafeBufferPointer { me.countChunk($0, into: &tables.base[i], cache: &caches.base[i]) }
                }
                for i in 0..<chunks.count {
                    let r = results.base[i]
                    if let e = r.error { throw AIGCError.input(location: "\(path):\(lineBase)", message: e) }
                    for bad in r.invalid {
                        let location = "\(path):\(lineBase + bad.line) (byte offset \(chunks[i].offset + bad.offset))"
                        if invalidLines == .fail {
                            throw AIGCError.input(location: location, message: "invalid UTF-8 (policy `skip` skips such lines, `replace` counts them with U+FFFD)")
                        }
                        stats.invalidLinesSkipped += 1
                        if stats.invalidExamples.count < 10 { stats.invalidExamples.append(location) }
                    }
                    stats.invalidLinesReplaced += r.replaced
                    lineBase += r.lines
                    stats.lines += r.lines
                }
            }
        }
        for i in 0..<workers { caches.base[i].flush(into: &tables.base[i]) }
        var total = tables.base[0]
        tables.base[0] = PreTokenCounts()
        for i in 1..<workers { total.add(contentsOf: tables.base[i]); tables.base[i] = PreTokenCounts() }
        return (total, stats)
    }

    /// Counts the lines of one chunk into `counts`.
    private func countChunk(_ chunk: UnsafeBufferPointer<UInt8>, into counts: inout PreTokenCounts,
                            cache: inout ShortTokenCache) -> ChunkResult {
        var r = ChunkResult()
        var start = 0
        let n = chunk.count
        let base = chunk.baseAddress!
        while start < n {
            let end: Int
            if let p = memchr(base + start, 0x0A, n - start) {
                end = base.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
            } else {
                end = n
            }
            let line = UnsafeBufferPointer(rebasing: chunk[start..<end])
            if let bad = UTF8Bytes.firstInvalid(line) {
                if invalidLines == .replace {
                    // Counted with U+FFFD in place of each invalid subpart, like any other line.
                    do {
                        var noOrigin: [Int]? = nil
                        let fixed = try UTF8Bytes.repair(line, policy: .replace, origin: &noOrigin)?.bytes ?? Array(line)
                        if let e = fixed.withUnsafeBufferPointer({ countLine($0, into: &counts, cache: &cache) }) {
                            r.error = "normalization failed in line \(r.lines + 1) of this chunk: \(e)"
                            return r
                        }
                        r.replaced += 1
                    } catch {
                        r.error = "line \(r.lines + 1) of this chunk: \(error)"
                        return r
                    }
                } else {
                    r.invalid.append((r.lines, start + bad))
                }
            } else if let e = countLine(line, into: &counts, cache: &cache) {
                r.error = "normalization failed in line \(r.lines + 1) of this chunk: \(e)"
                return r
            }
            r.lines += 1
            start = end
        }
        return r
    }
}

extension PreTokenCounter {
    /// Counts one valid line's pre-tokens (normalized first when there is a normalizer); an error message, or nil.
    fileprivate func countLine(_ line: UnsafeBufferPointer<UInt8>, into counts: inout PreTokenCounts,
                               cache: inout ShortTokenCache) -> String? {
        if let normalizer {
            do {
                let normalized = try normalizer.normalize(bytes: Array(line)).bytes
                normalized.withUnsafeBufferPointer { p in
                    split(p) { range in counts.add(UnsafeBufferPointer(rebasing: p[range])) }
                }
            } catch {
                return "\(error)"
            }
        } else {
            split(line) { range in
                let token = UnsafeBufferPointer(rebasing: line[range])
                if token.count <= 7 { cache.add(token, into: &counts) } else { counts.add(token) }
            }
        }
        return nil
    }
}

/// One chunk's outcome (line numbers inside the chunk; the caller knows where the chunk starts).
private struct ChunkResult {
    var lines = 0
    var invalid: [(line: Int, offset: Int)] = []
    /// Lines counted with U+FFFD (policy `.replace`).
    var replaced = 0
    var error: String?
}

/// Fixed slots that concurrent iterations write to, one slot per iteration (no shared array buffer to race on).
private final class SlotBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    let count: Int
    init(count: Int, initial: T) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: initial, count: count)
    }
    func free() { base.deinitialize(count: count); base.deallocate() }
}
