import AIGCCore
import Foundation

/// A binary copy of a named encoding's built vocabulary table (`ByteKeyTable`), so a process skips parsing the
/// `.tiktoken` file and building the table (o200k_base: ~2/3 of its ~45–60 ms load, serial before any encoding).
///
/// Trust: the file is named by the SHA-256 of the vocabulary file it was built from and carries that hash and a
/// format version; it is written only after that hash was verified, atomically (temp + rename). The vocabulary
/// file's own SHA-256 is still checked on every load. A cache file that is short, long, of another version or
/// hash, fails its checksum (a 4-lane 64-bit hash over every byte after the header) or its structural checks
/// (offsets monotonic and in range, slot ids in range, an empty slot left, the longest key as stored) is ignored
/// and rebuilt — the structural checks alone make every lookup memory-safe whatever the file holds.
///
/// Location: `$AIGC_VOCAB_CACHE_DIR`, else `$XDG_CACHE_HOME/aigc`, else `~/.cache/aigc`; `AIGC_VOCAB_CACHE=off`
/// disables it.
package enum VocabTableCache {
    static let magic: UInt64 = 0x3130_5456_4347_4941  // "AIGCVT01"
    static let version: UInt64 = 1
    /// 7 words + 64 hex digits.
    static let headerSize = 7 * 8 + 64

    /// The cache directory from the environment, or nil when caching is off or no home is known.
    package static var defaultDirectory: URL? {
        let env = ProcessInfo.processInfo.environment
        if let v = env["AIGC_VOCAB_CACHE"], v == "off" || v == "0" { return nil }
        if let d = env["AIGC_VOCAB_CACHE_DIR"], !d.isEmpty { return URL(fileURLWithPath: d) }
        if let x = env["XDG_CACHE_HOME"], x.hasPrefix("/") { return URL(fileURLWithPath: x).appendingPathComponent("aigc") }
        if let h = env["HOME"], h.hasPrefix("/") {
            return URL(fileURLWithPath: h).appendingPathComponent(".cache").appendingPathComponent("aigc")
        }
        return nil
    }

    package static func fileURL(sha256: String, directory: URL) -> URL {
        directory.appendingPathComponent("\(sha256).v\(version).vocabtable")
    }

    /// The cached table built from the vocabulary file with this SHA-256, or nil (missing, corrupt, other version).
    static func load(sha256: String, directory: URL) -> ByteKeyTable? {
        guard sha256.utf8.count == 64 else { return nil }
        let fd = open(fileURL(sha256: sha256, directory: directory).path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int(st.st_size)
        guard size >= headerSize else { return nil }
        var header = [UInt8](repeating: 0, count: headerSize)
        guard header.withUnsafeMutableBytes({ readFully(fd, $0.baseAddress!, headerSize) }) else { return nil }
        let w = header.withUnsafeBytes { raw in (0..<7).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) } }
        guard w[0] == magic, w[1] == version, Array(header[56...]) == Array(sha256.utf8) else { return nil }
        let idCount = Int(w[2]), cap = Int(w[3]) &+ 1, maxKey = Int(w[4]), total = Int(w[5]), sum = w[6]
        guard idCount > 0, idCount < 1 << 26, cap >= 16, cap <= 1 << 28, cap & (cap - 1) == 0, cap > idCount,
              total >= 0, total < 1 << 32, maxKey >= 0 else { return nil }
        let filterWords = 1 << (ByteKeyTable.filterBits - 6)
        guard size == headerSize + (idCount + 1) * 4 + idCount + total + cap * 8 + filterWords * 8 else { return nil }

        let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: idCount + 1)
        let presentRaw = UnsafeMutablePointer<UInt8>.allocate(capacity: idCount)
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        let slots = HugePageMemory.allocate(UInt64.self, count: cap)
        let filter = UnsafeMutablePointer<UInt64>.allocate(capacity: filterWords)
        defer { presentRaw.deallocate() }
        var ok = readFully(fd, offsets, (idCount + 1) * 4) && readFully(fd, presentRaw, idCount)
            && readFully(fd, bytes, total) && readFully(fd, slots, cap * 8) && readFully(fd, filter, filterWords * 8)
        if ok {
            var h = checksumSeed
            h = checksum(offsets, (idCount + 1) * 4, h)
            h = checksum(presentRaw, idCount, h)
            h = checksum(bytes, total, h)
            h = checksum(slots, cap * 8, h)
            h = checksum(filter, filterWords * 8, h)
            ok = h == sum
        }
        var present = [Bool](repeating: false, count: idCount)
        if ok {
            // Structural checks: every lookup stays inside the buffers and terminates.
            ok = offsets[0] == 0 && Int(offsets[idCount]) == total
            var longest = 0
            for id in 0..<idCount where ok {
                let a = offsets[id], b = offsets[id + 1]
                if b < a || presentRaw[id] > 1 { ok = false; break }
                present[id] = presentRaw[id] == 1
                if present[id] && Int(b - a) > longest { longest = Int(b - a) }
            }
            ok = ok && longest == maxKey
            var used = 0
            for i in 0..<cap where ok && slots[i] != 0 {
                let id = Int(slots[i] & 0xFFFF_FFFF) - 1
                if id < 0 || id >= idCount || !present[id] { ok = false }
                used += 1
            }
            ok = ok && used < cap
        }
        guard ok else {
            offsets.deallocate(); bytes.deallocate(); HugePageMemory.free(slots, count: cap); filter.deallocate()
            return nil
        }
        return ByteKeyTable(bytes: bytes, offsets: offsets, idCount: idCount, slots: slots, mask: cap - 1,
                            present: present, filter: filter, maxKeyLength: maxKey)
    }

    /// Writes the table for the vocabulary file with this (verified) SHA-256; failures are ignored (the cache is
    /// only a speed-up).
    static func store(_ t: ByteKeyTable, sha256: String, directory: URL) {
        guard sha256.utf8.count == 64 else { return }
        let cap = t.mask + 1
        let total = Int(t.offsets[t.idCount])
        let filterWords = 1 << (ByteKeyTable.filterBits - 6)
        let presentRaw = t.present.map { $0 ? UInt8(1) : 0 }
        var h = checksumSeed
        h = checksum(t.offsets, (t.idCount + 1) * 4, h)
        h = presentRaw.withUnsafeBytes { checksum($0.baseAddress!, t.idCount, h) }
        h = checksum(t.bytes, total, h)
        h = checksum(t.slots, cap * 8, h)
        h = checksum(t.filter, filterWords * 8, h)
        var header = [UInt8]()
        for v in [magic, version, UInt64(t.idCount), UInt64(t.mask), UInt64(t.maxKeyLength), UInt64(total), h] {
            withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) }
        }
        header.append(contentsOf: sha256.utf8)
        do {
            let w = try AtomicFileWriter(url: fileURL(sha256: sha256, directory: directory))
            try header.withUnsafeBytes { try w.write(bytes: $0) }
            try w.write(bytes: UnsafeRawBufferPointer(start: t.offsets, count: (t.idCount + 1) * 4))
            try presentRaw.withUnsafeBytes { try w.write(bytes: $0) }
            try w.write(bytes: UnsafeRawBufferPointer(start: t.bytes, count: total))
            try w.write(bytes: UnsafeRawBufferPointer(start: t.slots, count: cap * 8))
            try w.write(bytes: UnsafeRawBufferPointer(start: t.filter, count: filterWords * 8))
            try w.commit()
        } catch {}
    }

    private static func readFully(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Bool {
        var done = 0
        while done < n {
            let r = read(fd, p + done, n - done)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return false }
            done += r
        }
        return true
    }

    static let checksumSeed: UInt64 = 0x243F_6A88_85A3_08D3

    /// A fast 64-bit checksum (four independent multiply-xorshift lanes, so it runs at memory speed); detects
    /// accidental corruption, not tampering.
    static func checksum(_ p: UnsafeRawPointer, _ n: Int, _ seed: UInt64) -> UInt64 {
        var a = seed ^ UInt64(truncatingIfNeeded: n), b = seed &+ 0x9E37_79B9_7F4A_7C15
        var c = seed &* 0xBF58_476D_1CE4_E5B9, d = ~seed
        let m: UInt64 = 0x94D0_49BB_1331_11EB
        var i = 0
        while i + 32 <= n {
            a = (a ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* m; a ^= a >> 31
            b = (b ^ p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* m; b ^= b >> 31
            c = (c ^ p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)) &* m; c ^= c >> 31
            d = (d ^ p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) &* m; d ^= d >> 31
            i += 32
        }
        while i < n {
            a = (a ^ UInt64(p.load(fromByteOffset: i, as: UInt8.self))) &* m; a ^= a >> 31
            i += 1
        }
        var h = a ^ (b &* 0xFF51_AFD7_ED55_8CCD) ^ (c &* 0xC4CE_B9FE_1A85_EC53) ^ (d &* m)
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33
        return h
    }

    /// Test hook: the table through a write and a read of the cache (nil when the read rejects it).
    package static func roundTripForTesting(_ model: BPEModel, sha256: String, directory: URL) -> BPEModel? {
        store(model.table, sha256: sha256, directory: directory)
        guard let t = load(sha256: sha256, directory: directory) else { return nil }
        return BPEModel(rankTable: t)
    }

    /// Test hook: whether a valid cache file for this hash is present and accepted.
    package static func acceptsForTesting(sha256: String, directory: URL) -> Bool {
        load(sha256: sha256, directory: directory) != nil
    }
}
