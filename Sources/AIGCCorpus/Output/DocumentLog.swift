import AIGCCore
import AIGCFormats
import Foundation

/// `documents.log`: a sharded build's replay log (little-endian binary, entries in ordinal order). Layout per
/// entry: u64 ordinal, u32 file index, u64 line, u64 hash high, u64 hash low, u8 drop code (0 = kept, else
/// 1 + index in `DropReason.allCases`), u8 split (0 train, 1 val), u8 truncated, u16 band count, u64 bands[],
/// then for kept entries u32 token count, u32 ids[], u8 mask[]. Header: "AIGCDLOG" + u32 version 1.
public enum DocumentLog {
    static let magic = Array("AIGCDLOG".utf8)

    public final class Writer {
        let file: ResumableFile
        private var buf: [UInt8] = []
        /// Without documents the log is a dedup journal (what a resumed build replays to restore its dedup state).
        public let includeDocuments: Bool
        public init(url: URL, includeDocuments: Bool = true, resumeAt: Int? = nil) throws {
            file = try ResumableFile(url: url, resumeAt: resumeAt)
            self.includeDocuments = includeDocuments
            if resumeAt == nil {
                buf = DocumentLog.magic
                put32(1)
            }
        }

        public var partialURL: URL { file.partialURL }

        /// Durable length, for checkpoints.
        public func sync() throws -> Int {
            try file.write(buf)
            buf.removeAll(keepingCapacity: true)
            return try file.sync()
        }

        /// Drops the (journal) file instead of publishing it.
        public func discard() throws {
            _ = try sync()
            try? FileManager.default.removeItem(at: file.partialURL)
        }
        private func put64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { buf.append(contentsOf: $0) } }
        private func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { buf.append(contentsOf: $0) } }

        public func append(_ e: DocumentLogEntry) throws {
            put64(e.ordinal); put32(e.fileIndex); put64(e.line); put64(e.hash.high); put64(e.hash.low)
            buf.append(e.dropped.map { UInt8(DropReason.allCases.firstIndex(of: $0)! + 1) } ?? 0)
            buf.append(e.split == .train ? 0 : 1)
            buf.append(e.truncated ? 1 : 0)
            withUnsafeBytes(of: UInt16(e.bands.count).littleEndian) { buf.append(contentsOf: $0) }
            for b in e.bands { put64(b) }
            if e.dropped == nil, includeDocuments, let d = e.document {
                put32(UInt32(d.count))
                d.ids.withUnsafeBytes { buf.append(contentsOf: $0) }
                buf.append(contentsOf: d.mask)
            }
            if buf.count >= 1 << 20 { try file.write(buf); buf.removeAll(keepingCapacity: true) }
        }

        public func finish() throws -> WrittenFile {
            try file.write(buf)
            buf = []
            let r = try file.commit()
            return WrittenFile(url: file.url, bytes: r.bytes, sha256: r.sha256)
        }
    }

    /// Streams entries back (bounded memory: one chunk plus one entry).
    public final class Reader {
        let reader: ChunkReader
        let path: String
        private var buf: [UInt8] = []
        private var pos = 0
        private var eof = false

        /// False for dedup journals (entries carry no documents).
        public let includesDocuments: Bool
        /// Skip over documents instead of decoding them (entries come back with `document` nil): for passes that
        /// need only the dedup keys.
        public var skipsDocuments = false

        public init(url: URL, includesDocuments: Bool = true) throws {
            self.includesDocuments = includesDocuments
            path = url.path
            reader = try ChunkReader(path: url.path)
            try need(12)
            guard Array(buf[0..<8]) == DocumentLog.magic else {
                throw AIGCError.input(location: path, message: "not a documents.log (bad magic)")
            }
            pos = 12
        }

        private func need(_ n: Int) throws {
            while buf.count - pos < n {
                if eof { throw AIGCError.input(location: path, message: "truncated documents.log at byte \(pos)") }
                if pos > 0 { buf.removeSubrange(0..<pos); pos = 0 }
                if !(try reader.read(into: &buf)) { eof = true }
            }
        }

        private func get64() -> UInt64 {
            let v = buf.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: UInt64.self)) }
            pos += 8
            return v
        }
        private func get32() -> UInt32 {
            let v = buf.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: UInt32.self)) }
            pos += 4
            return v
        }

        public func next() throws -> DocumentLogEntry? {
            if buf.count == pos {
                if eof { return nil }
                if pos > 0 { buf.removeSubrange(0..<pos); pos = 0 }
                if !(try reader.read(into: &buf)) { eof = true; return nil }
            }
            try need(41)   // fixed part: 8+4+8+8+8 + 1+1+1 + 2
            let ordinal = get64(), file = get32(), line = get64(), hi = get64(), lo = get64()
            let code = buf[pos], split = buf[pos + 1], trunc = buf[pos + 2]
            pos += 3
            let nb = Int(buf.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: UInt16.self)) })
            pos += 2
            try need(nb * 8)
            var bands: [UInt64] = []
            for _ in 0..<nb { bands.append(get64()) }
            var dropped: DropReason? = nil
            if code != 0 {
                guard Int(code) - 1 < DropReason.allCases.count else {
                    throw AIGCError.input(location: path, message: "bad drop code \(code)")
                }
                dropped = DropReason.allCases[Int(code) - 1]
            }
            var doc: TokenizedDocument? = nil
            if dropped == nil && includesDocuments && skipsDocuments {
                try need(4)
                let n = Int(get32())
                try need(n * 5)
                pos += n * 5
            } else if dropped == nil && includesDocuments {
                try need(4)
                let n = Int(get32())
                try need(n * 5)
                var d = TokenizedDocument()
                d.ids = buf.withUnsafeBytes { r in (0..<n).map { UInt32(littleEndian: r.loadUnaligned(fromByteOffset: pos + 4 * $0, as: UInt32.self)) } }
                pos += 4 * n
                d.mask = Array(buf[pos..<(pos + n)])
                pos += n
                d.turnEnds = [n]
                doc = d
            }
            return DocumentLogEntry(ordinal: ordinal, fileIndex: file, line: line, hash: ContentHash(high: hi, low: lo),
                                    dropped: dropped, split: split == 0 ? .train : .val, truncated: trunc != 0,
                                    bands: bands, document: doc)
        }
    }
}
