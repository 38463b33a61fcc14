import AIGCCore
import AIGCFormats
import Foundation

/// What one partition of a partitioned deduplication decided (`CorpusMerger.dedupPartition`): the log entries
/// (by position in global record order) that its keys make duplicates. Little-endian: "AIGCDDUP", u32 version 1,
/// u32 partitions, u32 partition, u64 entries, u64 count, then `count` ascending u64 values `entry << 1 | exact`.
enum DedupPartitionFile {
    static let magic = Array("AIGCDDUP".utf8)

    static func write(_ flagged: [UInt64], partition: Int, of partitions: Int, entries: Int, to url: URL) throws {
        var out = magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(UInt32(1)); put(UInt32(partitions)); put(UInt32(partition)); put(UInt64(entries)); put(UInt64(flagged.count))
        out.reserveCapacity(out.count + 8 * flagged.count)
        for v in flagged { put(v) }
        try AtomicFile.write(Data(out), to: url)
    }

    /// All partitions' files, walked together in entry order.
    final class Reader {
        private var values: [[UInt64]] = []
        private var cursors: [Int] = []

        init(urls: [URL], entries: Int) throws {
            var seen: [Int: String] = [:]
            var total: Int? = nil
            for url in urls {
                let data = try FileContents.read(url)
                let b = Array(data)
                func u32(_ at: Int) -> Int { Int(b[at..<(at + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) }
                func u64(_ at: Int) -> UInt64 { b[at..<(at + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
                guard b.count >= 36, Array(b[0..<8]) == magic, u32(8) == 1 else {
                    throw AIGCError.input(location: url.path, message: "not a dedup partition file")
                }
                let partitions = u32(12), partition = u32(16), n = u64(20), count = u64(28)
                guard count <= UInt64(b.count - 36) / 8, b.count == 36 + 8 * Int(count) else {
                    throw AIGCError.input(location: url.path, message: "truncated dedup partition file")
                }
                guard n == UInt64(entries) else {
                    throw AIGCError.input(location: url.path, message: "made for \(n) log entries, but the logs hold \(entries): other shards or tasks?")
                }
                guard total == nil || total == partitions, partition < partitions, seen[partition] == nil else {
                    throw AIGCError.input(location: url.path, message: "partition \(partition) of \(partitions) does not fit the other files (or repeats \(seen[partition] ?? "one"))")
                }
                total = partitions
                seen[partition] = url.path
                var v: [UInt64] = []
                v.reserveCapacity(Int(count))
                for k in 0..<Int(count) {
                    let x = u64(36 + 8 * k)
                    guard v.last.map({ $0 < x }) ?? true, x >> 1 < UInt64(entries) else {
                        throw AIGCError.input(location: url.path, message: "value \(k) is out of order or beyond the log entries")
                    }
                    v.append(x)
                }
                values.append(v)
            }
            guard let total, seen.count == total else {
                throw AIGCError.usage("partitioned dedup: need all \(total ?? 0) partition files (got partitions \(seen.keys.sorted()))")
            }
            cursors = Array(repeating: 0, count: values.count)
        }

        /// Flags of entry `j`; calls must come in increasing `j`.
        func flags(_ j: Int) throws -> (exact: Bool, near: Bool) {
            var exact = false, near = false
            for k in values.indices {
                while cursors[k] < values[k].count, values[k][cursors[k]] >> 1 <= UInt64(j) {
                    let v = values[k][cursors[k]]
                    if v >> 1 == UInt64(j) { if v & 1 == 1 { exact = true } else { near = true } }
                    cursors[k] += 1
                }
            }
            return (exact, near)
        }
    }
}
