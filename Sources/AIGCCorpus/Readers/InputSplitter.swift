import AIGCCore
import Foundation

/// Cuts a build's inputs into the shares of N tasks, Hadoop-style: the inputs are laid end to end and cut at N − 1
/// evenly spaced byte positions; a cut inside a JSONL or plain-text file moves forward to just after the next
/// newline (a line belongs to the task its first byte falls in), and a cut inside a whole-file unit — a gzip file,
/// a JSON array, a `text` document — moves to the unit's end. Every task then reads exactly its ranges (whole
/// lines), so all tasks together read each input byte once; only the planner reads a little more, from each cut to
/// the newline after it.
public enum InputSplitter {
    /// One input file as the planner sees it.
    public struct Input: Sendable, Equatable {
        public var path: String
        public var bytes: Int
        /// Read whole by one task (gzip, JSON array, `text` document) rather than cut at newlines.
        public var whole: Bool
        public init(path: String, bytes: Int, whole: Bool) { self.path = path; self.bytes = bytes; self.whole = whole }
    }

    /// Sizes and kinds of the inputs. `bytesRead` counts the bytes sniffed (gzip magic, first non-blank byte).
    public static func inspect(paths: [String], format: InputFormat, bytesRead: inout Int) throws -> [Input] {
        try paths.map { path in
            let fd = try POSIXFile.openForReading(path)
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw AIGCError.io("\(path): cannot stat (\(String(cString: strerror(errno))))") }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw AIGCError.input(location: path, message: "not a regular file: a plan cuts inputs by byte offsets, so they must be files")
            }
            let size = Int(st.st_size)
            if format == .text { return Input(path: path, bytes: size, whole: true) }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            var offset = 0
            var first = true
            while offset < size {
                let want = first ? 4096 : chunk.count
                let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min(want, size - offset), off_t(offset)) }
                guard n > 0 else { throw AIGCError.io("\(path): read error at byte \(offset)") }
                bytesRead += n
                if first && n >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B { return Input(path: path, bytes: size, whole: true) }
                first = false
                // Only the JSON dialogue formats may be one JSON array (as InputReader sniffs them).
                if format == .dailydialog || format == .jsonl { break }
                for i in 0..<n where !(chunk[i] == 0x20 || chunk[i] == 0x0A || chunk[i] == 0x0D || chunk[i] == 0x09 || chunk[i] == 0xEF || chunk[i] == 0xBB || chunk[i] == 0xBF) {
                    return Input(path: path, bytes: size, whole: chunk[i] == UInt8(ascii: "["))
                }
                offset += n
            }
            return Input(path: path, bytes: size, whole: false)
        }
    }

    /// The ranges of each of `tasks` tasks, in task order; concatenated they cover every input exactly once, in
    /// input order. A task may get no range (more tasks than lines). `bytesRead` counts the bytes scanned for
    /// newlines.
    public static func split(_ inputs: [Input], tasks n: Int, bytesRead: inout Int) throws -> [[InputRange]] {
        guard n >= 1 else { throw AIGCError.usage("number of tasks must be ≥ 1 (got \(n))") }
        var fileStart: [Int] = []
        var total = 0
        for f in inputs {
            fileStart.append(total)
            let (t, o) = total.addingReportingOverflow(f.bytes)
            guard !o else { throw AIGCError.usage("inputs are too large to address") }
            total = t
        }
        // Cut positions in the end-to-end layout: c[0] = 0 ≤ c[1] ≤ … ≤ c[n] = total.
        var cuts = [0]
        for k in 1..<max(n, 1) {
            let nominal = total / n * k + (total % n) * k / n
            var p = max(nominal, cuts[cuts.count - 1])
            if p < total {
                // The file holding byte p (the last one starting at or before p; empty files hold nothing).
                var f = fileStart.lastIndex(where: { $0 <= p }) ?? 0
                while inputs[f].bytes == 0 || fileStart[f] + inputs[f].bytes <= p { f += 1 }
                let local = p - fileStart[f]
                if local > 0 {
                    if inputs[f].whole {
                        p = fileStart[f] + inputs[f].bytes
                    } else {
                        // Cuts only move forward, so the searches never read the same bytes twice (but one).
                        let nl = try nextNewline(inputs[f].path, from: local - 1, size: inputs[f].bytes, bytesRead: &bytesRead)
                        p = fileStart[f] + (nl.map { $0 + 1 } ?? inputs[f].bytes)
                    }
                }
            }
            cuts.append(p)
        }
        cuts.append(total)
        // The first k in 0..<n with cuts[k + 1] > x (binary search: cuts only grow), n if none.
        func firstTaskEndingAfter(_ x: Int) -> Int {
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if cuts[mid + 1] > x { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        var tasks = [[InputRange]](repeating: [], count: n)
        for (i, f) in inputs.enumerated() {
            let a = fileStart[i], b = a + f.bytes
            if f.bytes == 0 {
                // An empty file goes to the last task whose share starts at or before it (so input order holds).
                var k = min(firstTaskEndingAfter(a), n - 1)
                while k + 1 < n && cuts[k + 1] <= a { k += 1 }
                tasks[k].append(InputRange(input: i, start: 0, end: 0))
                continue
            }
            var k = firstTaskEndingAfter(a)
            while k < n && cuts[k] < b {
                if cuts[k + 1] > a {
                    tasks[k].append(InputRange(input: i, start: max(a, cuts[k]) - a, end: min(b, cuts[k + 1]) - a))
                }
                k += 1
            }
        }
        return tasks
    }

    /// Offset of the first newline at or after `from`, or nil.
    static func nextNewline(_ path: String, from: Int, size: Int, bytesRead: inout Int) throws -> Int? {
        let fd = try POSIXFile.openForReading(path)
        defer { close(fd) }
        // Lines are usually short: start with a small read and grow it for long ones.
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var want = 4096
        var offset = from
        while offset < size {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min(want, size - offset), off_t(offset)) }
            guard n > 0 else { throw AIGCError.io("\(path): read error at byte \(offset) (the file is shorter than \(size) bytes?)") }
            bytesRead += n
            if let i = chunk[0..<n].firstIndex(of: 0x0A) { return offset + i }
            offset += n
            want = min(want * 2, chunk.count)
        }
        return nil
    }
}
