import AIGCCore
import AIGCFormats
import Foundation

/// What one partition of a partitioned deduplication decided (`CorpusMerger.dedupPartition`): the records (by
/// ordinal of the single run) that its keys make duplicates. Little-endian: "AIGCDDUP", u32 version 2,
/// u32 partitions, u32 partition, u64 records (all tasks' records_in, a cross-check), u64 count, then `count`
/// ascending u64 values `ordinal << 1 | exact`.
enum DedupPartitionFile {
    static let magic = Array("AIGCDDUP".utf8)
    static let headerBytes = 36

    static func write(_ flagged: [UInt64], partition: Int, of partitions: Int, records: Int, to url: URL) throws {
        var out = magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(UInt32(2)); put(UInt32(partitions)); put(UInt32(partition)); put(UInt64(records)); put(UInt64(flagged.count))
        out.reserveCapacity(out.count + 8 * flagged.count)
        for v in flagged { put(v) }
        try AtomicFile.write(Data(out), to: url)
    }

    /// One partition's file, streamed (bounded memory: one buffer).
    final class Stream {
        let path: String
        private let fd: Int32
        private var buf = [UInt8](repeating: 0, count: 64 << 10)
        private var pos = 0, end = 0
        private var left: UInt64
        /// Bytes of values not yet read from the file.
        private var fileLeft = 0
        private var taken: UInt64 = 0
        private var previous: UInt64?
        let partitions: Int, partition: Int
        /// The next value (nil when all are taken).
        private(set) var head: UInt64?

        init(url: URL, records: Int) throws {
            let path = url.path
            self.path = path
            let fd = try POSIXFile.openForReading(path)
            self.fd = fd
            do {
                let size = Int(try POSIXFile.status(fd, name: path).st_size)
                var b = [UInt8](repeating: 0, count: DedupPartitionFile.headerBytes)
                let got = try b.withUnsafeMutableBytes { try POSIXFile.readSome(fd, into: $0, name: path) }
                func u32(_ at: Int) -> Int { Int(LittleEndian.load(b, at: at, as: UInt32.self)) }
                func u64(_ at: Int) -> UInt64 { LittleEndian.load(b, at: at, as: UInt64.self) }
                guard got == DedupPartitionFile.headerBytes, Array(b[0..<8]) == DedupPartitionFile.magic else {
                    throw AIGCError.input(location: path, message: "not a dedup partition file")
                }
                guard u32(8) == 2 else {
                    throw AIGCError.input(location: path, message: "dedup partition file version \(u32(8)) (this aigc reads version 2): run the partitions again")
                }
                partitions = u32(12); partition = u32(16)
                let n = u64(20), count = u64(28)
                guard count <= UInt64(size - DedupPartitionFile.headerBytes) / 8, size == DedupPartitionFile.headerBytes + 8 * Int(count) else {
                    throw AIGCError.input(location: path, message: "truncated dedup partition file (\(size) bytes for \(count) values)")
                }
                guard n == UInt64(records) else {
                    throw AIGCError.input(location: path, message: "made for \(n) records, but the tasks hold \(records): other shards or tasks?")
                }
                left = count
                fileLeft = 8 * Int(count)
                try advance()
            } catch {
                close(fd)
                throw error
            }
        }

        deinit { close(fd) }

        /// Moves `head` to the next value.
        func advance() throws {
            guard left > 0 else { head = nil; return }
            if end - pos < 8 {
                if pos < end { buf.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + pos, end - pos) } }
                end -= pos
                pos = 0
                let want = min(buf.count - end, fileLeft)
                if want > 0 {
                    let got = try buf.withUnsafeMutableBytes { try POSIXFile.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[end..<(end + want)]), name: path) }
                    end += got
                    fileLeft -= got
                }
                guard end - pos >= 8 else { throw AIGCError.io("\(path): the file shrank while reading it") }
            }
            let v = buf.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: UInt64.self)) }
            pos += 8
            left -= 1
            guard previous.map({ $0 < v }) ?? true else {
                throw AIGCError.input(location: path, message: "value \(taken) is out of order")
            }
            previous = v
            taken += 1
            head = v
        }
    }

    /// All partitions' files, walked together in ordinal order.
    final class Reader {
        private let streams: [Stream]

        init(urls: [URL], records: Int) throws {
            var seen: [Int: String] = [:]
            var total: Int? = nil
            var streams: [Stream] = []
            for url in urls {
                let s = try Stream(url: url, records: records)
                guard total == nil || total == s.partitions, s.partition < s.partitions, seen[s.partition] == nil else {
                    throw AIGCError.input(location: url.path, message: "partition \(s.partition) of \(s.partitions) does not fit the other files (or repeats \(seen[s.partition] ?? "one"))")
                }
                total = s.partitions
                seen[s.partition] = url.path
                streams.append(s)
            }
            guard let total, seen.count == total else {
                throw AIGCError.usage("partitioned dedup: need all \(total ?? 0) partition files (got partitions \(seen.keys.sorted()))")
            }
            self.streams = streams
        }

        /// Flags of the record with this ordinal; calls must come in increasing ordinal.
        func flags(_ ordinal: UInt64) throws -> (exact: Bool, near: Bool) {
            var exact = false, near = false
            for s in streams {
                while let v = s.head, v >> 1 <= ordinal {
                    guard v >> 1 == ordinal else {
                        throw AIGCError.input(location: s.path, message: "flags record \(v >> 1), which no documents.log holds: made from other tasks?")
                    }
                    if v & 1 == 1 { exact = true } else { near = true }
                    try s.advance()
                }
            }
            return (exact, near)
        }

        /// Checks that every flag was used (each names a record of the logs).
        func finish() throws {
            for s in streams {
                if let v = s.head {
                    throw AIGCError.input(location: s.path, message: "flags record \(v >> 1), which no documents.log holds: made from other tasks?")
                }
            }
        }
    }
}
