import AIGCCore
import AIGCFormats
import Foundation

/// `DIR/keys/part-PPPPP`: a plan task's (or hash shard's) deduplication keys, already split into `parts` files by
/// key, so that partition I of a partitioned dedup (`aigc corpus merge --partitions P --partition I`) reads only
/// the files with PPPPP ≡ I (mod P) of every task — a shuffle written by the map side. Every entry of
/// `documents.log` contributes its exact content hash (when exact dedup is on) and its LSH band keys (when near
/// dedup is on), each to the file its hash picks.
///
/// Little-endian: header "AIGCKEYS", u32 version 1, u32 parts, u32 part; then one item per key, in record order:
/// varint ordinal delta (from the previous item of this file; the task's own ordinals), varint tag (0 = exact key,
/// b + 1 = band b), then the key (16 bytes for an exact key: high, low; 8 for a band key); footer "AIGCKEND",
/// u64 exact keys, u64 band keys (what a partition sizes its tables by). About 10 bytes per band key and 18 per
/// exact key.
public enum DedupKeyLog {
    static let magic = Array("AIGCKEYS".utf8)
    static let endMagic = Array("AIGCKEND".utf8)
    static let headerBytes = 20, footerBytes = 24

    public static func directory(in dir: URL) -> URL { dir.appendingPathComponent("keys") }
    public static func url(in dir: URL, part: Int) -> URL {
        directory(in: dir).appendingPathComponent(String(format: "part-%05d", part))
    }

    /// The file an exact key goes to.
    @inline(__always) static func part(exact h: ContentHash, parts: Int) -> Int {
        Int(StableHash.scramble(h.low ^ 0x4558_4143_5400_0000) % UInt64(parts))
    }

    /// The file band `band`'s key goes to.
    @inline(__always) static func part(band: Int, key: UInt64, parts: Int) -> Int {
        Int(StableHash.scramble(key &+ UInt64(band) &* 0x9E37_79B9_7F4A_7C15) % UInt64(parts))
    }

    /// One key: `tag` 0 is an exact key (`a`, `b` = high, low), `tag` b + 1 a key of band b (`a`; `b` = 0).
    public struct Item: Equatable, Sendable {
        public var ordinal: UInt64
        public var tag: UInt32
        public var a: UInt64
        public var b: UInt64
    }

    public final class Writer {
        public let parts: Int
        private let files: [ResumableFile]
        private var last: [UInt64]
        private var exactCounts: [UInt64]
        private var bandCounts: [UInt64]
        let exact: Bool, near: Bool

        /// Starts `parts` files under `DIR/keys/`, or continues them cut back to `resumeAt` (their checkpointed
        /// lengths; each is read back to restore its last ordinal and item count).
        public init(directory dir: URL, parts: Int, exact: Bool, near: Bool, resumeAt: [Int]? = nil) throws {
            try Limits.check("key partitions", parts, in: 1...4096)
            if let r = resumeAt, r.count != parts {
                throw AIGCError.io("\(directory(in: dir).path): the checkpoint records \(r.count) key files, the build writes \(parts)")
            }
            self.parts = parts
            self.exact = exact
            self.near = near
            var files: [ResumableFile] = []
            var last = [UInt64](repeating: 0, count: parts)
            var exactCounts = [UInt64](repeating: 0, count: parts), bandCounts = exactCounts
            for p in 0..<parts {
                let url = DedupKeyLog.url(in: dir, part: p)
                if let r = resumeAt?[p] {
                    let f = try ResumableFile(url: url, resumeAt: r, bufferBytes: 64 << 10)
                    let reader = try Reader(url: f.partialURL, part: p, parts: parts, finished: false)
                    while let item = try reader.next() {
                        last[p] = item.ordinal
                        if item.tag == 0 { exactCounts[p] += 1 } else { bandCounts[p] += 1 }
                    }
                    files.append(f)
                } else {
                    let f = try ResumableFile(url: url, bufferBytes: 64 << 10)
                    var h = DedupKeyLog.magic
                    withUnsafeBytes(of: UInt32(1).littleEndian) { h.append(contentsOf: $0) }
                    withUnsafeBytes(of: UInt32(parts).littleEndian) { h.append(contentsOf: $0) }
                    withUnsafeBytes(of: UInt32(p).littleEndian) { h.append(contentsOf: $0) }
                    try f.write(h)
                    files.append(f)
                }
            }
            self.files = files
            self.last = last
            self.exactCounts = exactCounts
            self.bandCounts = bandCounts
        }

        /// Adds the keys of one `documents.log` entry (ordinals ascending).
        public func append(ordinal: UInt64, hash: ContentHash, bands: [UInt64]) throws {
            if exact { try put(DedupKeyLog.part(exact: hash, parts: parts), ordinal, tag: 0, hash.high, hash.low, wide: true) }
            if near {
                for (band, key) in bands.enumerated() {
                    try put(DedupKeyLog.part(band: band, key: key, parts: parts), ordinal, tag: UInt32(band + 1), key, 0, wide: false)
                }
            }
        }

        private func put(_ p: Int, _ ordinal: UInt64, tag: UInt32, _ a: UInt64, _ b: UInt64, wide: Bool) throws {
            guard ordinal >= last[p] else { throw AIGCError.io("internal: dedup keys out of record order") }
            var buf: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
            let n = withUnsafeMutableBytes(of: &buf) { raw -> Int in
                var i = 0
                func varint(_ v: UInt64) {
                    var v = v
                    while v >= 0x80 { raw[i] = UInt8(v & 0x7F) | 0x80; v >>= 7; i += 1 }
                    raw[i] = UInt8(v); i += 1
                }
                varint(ordinal - last[p])
                varint(UInt64(tag))
                raw.storeBytes(of: a.littleEndian, toByteOffset: i, as: UInt64.self); i += 8
                if wide { raw.storeBytes(of: b.littleEndian, toByteOffset: i, as: UInt64.self); i += 8 }
                return i
            }
            try withUnsafeBytes(of: &buf) { try files[p].write(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            last[p] = ordinal
            if wide { exactCounts[p] += 1 } else { bandCounts[p] += 1 }
        }

        /// Durable lengths of the files, for a checkpoint.
        public func sync() throws -> [Int] { try files.map { try $0.sync() } }

        /// Writes the footers and renames the files into place.
        public func finish() throws {
            for (p, f) in files.enumerated() {
                var t = DedupKeyLog.endMagic
                withUnsafeBytes(of: exactCounts[p].littleEndian) { t.append(contentsOf: $0) }
                withUnsafeBytes(of: bandCounts[p].littleEndian) { t.append(contentsOf: $0) }
                try f.write(t)
                _ = try f.commit()
            }
        }
    }

    /// Streams one key file back (bounded memory: one 256 KiB buffer).
    public final class Reader {
        public let path: String
        /// Size of the file in bytes (what reading it costs).
        public let bytes: Int
        private let fd: Int32
        private var buf = [UInt8](repeating: 0, count: 256 << 10)
        private var pos = 0, end = 0
        /// File offset of `buf[end]`.
        private var fileOffset = 0
        /// Where items stop: the footer of a finished file, the end of a partial one.
        private let itemsEnd: Int
        private var ordinal: UInt64 = 0
        private var items: (exact: UInt64, band: UInt64) = (0, 0)
        /// The footer's counts of exact and band keys (nil for a partial file).
        public let counts: (exact: Int, band: Int)?

        /// `finished`: a committed file with its footer (else a partial one, read up to its end).
        public init(url: URL, part: Int, parts: Int, finished: Bool = true) throws {
            let path = url.path
            self.path = path
            let fd = try POSIXFile.openForReading(path)
            self.fd = fd
            do {
                let st = try POSIXFile.status(fd, name: path)
                let bytes = Int(st.st_size)
                self.bytes = bytes
                var head = [UInt8](repeating: 0, count: DedupKeyLog.headerBytes)
                let got = try head.withUnsafeMutableBytes { try POSIXFile.readSome(fd, into: $0, name: path) }
                func u32(_ b: [UInt8], _ at: Int) -> Int { Int(LittleEndian.load(b, at: at, as: UInt32.self)) }
                guard got == DedupKeyLog.headerBytes, Array(head[0..<8]) == DedupKeyLog.magic, u32(head, 8) == 1 else {
                    throw AIGCError.input(location: path, message: "not a dedup key file (bad header)")
                }
                guard u32(head, 12) == parts, u32(head, 16) == part else {
                    throw AIGCError.input(location: path, message: "holds part \(u32(head, 16)) of \(u32(head, 12)) key files, expected part \(part) of \(parts): tasks built with other --key-partitions?")
                }
                fileOffset = DedupKeyLog.headerBytes
                if finished {
                    guard bytes >= DedupKeyLog.headerBytes + DedupKeyLog.footerBytes else {
                        throw AIGCError.input(location: path, message: "truncated dedup key file (\(bytes) bytes, no footer)")
                    }
                    var foot = [UInt8](repeating: 0, count: DedupKeyLog.footerBytes)
                    let n = foot.withUnsafeMutableBytes { pread(fd, $0.baseAddress, DedupKeyLog.footerBytes, off_t(bytes - DedupKeyLog.footerBytes)) }
                    guard n == DedupKeyLog.footerBytes, Array(foot[0..<8]) == DedupKeyLog.endMagic else {
                        throw AIGCError.input(location: path, message: "truncated dedup key file (no footer at byte \(bytes - DedupKeyLog.footerBytes))")
                    }
                    let e = LittleEndian.load(foot, at: 8, as: UInt64.self), b = LittleEndian.load(foot, at: 16, as: UInt64.self)
                    guard e <= UInt64(bytes) / 18, b <= UInt64(bytes) / 10 else {
                        throw AIGCError.input(location: path, message: "footer counts \(e) exact and \(b) band keys, more than \(bytes) bytes can hold")
                    }
                    counts = (Int(e), Int(b))
                    itemsEnd = bytes - DedupKeyLog.footerBytes
                } else {
                    counts = nil
                    itemsEnd = bytes
                }
            } catch {
                close(fd)
                throw error
            }
        }

        deinit { close(fd) }

        /// Makes `n` bytes available at `pos` (false at the end of the items).
        private func need(_ n: Int) throws -> Bool {
            if end - pos >= n { return true }
            if pos > 0 {
                buf.withUnsafeMutableBytes { b in
                    if end > pos { memmove(b.baseAddress!, b.baseAddress! + pos, end - pos) }
                }
                end -= pos
                pos = 0
            }
            let want = min(buf.count - end, itemsEnd - fileOffset)
            if want > 0 {
                let got = try buf.withUnsafeMutableBytes { try POSIXFile.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[end..<(end + want)]), name: path) }
                guard got == want else { throw AIGCError.io("\(path): the file shrank while reading it") }
                end += got
                fileOffset += got
            }
            return end - pos >= n
        }

        private func varint(_ what: String) throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard try need(1) else { throw corrupt("truncated \(what)") }
                let c = buf[pos]
                pos += 1
                guard shift < 64 else { throw corrupt("\(what) longer than 64 bits") }
                v |= UInt64(c & 0x7F) << shift
                if c < 0x80 { return v }
                shift += 7
            }
        }

        private func corrupt(_ message: String) -> AIGCError {
            AIGCError.input(location: path, message: "\(message) at byte \(fileOffset - (end - pos))")
        }

        /// The next key, nil after the last (then the footer's count is checked).
        public func next() throws -> Item? {
            guard try need(1) else {
                if let c = counts, UInt64(c.exact) != items.exact || UInt64(c.band) != items.band {
                    throw AIGCError.input(location: path, message: "holds \(items.exact) exact and \(items.band) band keys but its footer says \(c.exact) and \(c.band)")
                }
                return nil
            }
            let delta = try varint("ordinal")
            let tag = try varint("tag")
            guard tag <= 1024 else { throw corrupt("key tag \(tag) is neither exact (0) nor a band (1…1024)") }
            let width = tag == 0 ? 16 : 8
            guard try need(width) else { throw corrupt("truncated key") }
            var a: UInt64 = 0, b: UInt64 = 0
            buf.withUnsafeBytes { r in
                a = UInt64(littleEndian: r.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
                if width == 16 { b = UInt64(littleEndian: r.loadUnaligned(fromByteOffset: pos + 8, as: UInt64.self)) }
            }
            pos += width
            let (o, overflow) = ordinal.addingReportingOverflow(delta)
            guard !overflow else { throw corrupt("ordinal overflows") }
            ordinal = o
            if tag == 0 { items.exact += 1 } else { items.band += 1 }
            return Item(ordinal: o, tag: UInt32(tag), a: a, b: b)
        }
    }
}
