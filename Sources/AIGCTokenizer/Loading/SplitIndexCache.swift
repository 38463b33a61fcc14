import AIGCCore
import Foundation

/// A binary copy of a named encoding's split index (`SplitIndex`: 1.3 MiB of Bloom-filter bits), beside the
/// vocabulary-table cache, so a process encoding long text maps it (read-only, from the page cache) instead of
/// building it from every token's n-grams (~7 ms for o200k_base, serial before the first long piece on any
/// thread). Mapped rather than read into fresh memory: reading it into a new huge page cost more in page zeroing
/// (~2.5% of a two-thread profile of a 3 MB file) than the read itself.
///
/// Trust, as for `VocabTableCache`: the file is named by the SHA-256 of the vocabulary file, carries that hash, a
/// format version and a fingerprint of the index's layout (table sizes and hash multipliers, so changing either
/// makes old files unreadable), and a checksum over every byte of the index; it is written only for a vocabulary
/// whose hash was verified, atomically. Any bit pattern is memory-safe (every index into the bits is masked); a
/// file that fails a check is ignored and the index rebuilt (and rewritten).
package enum SplitIndexCache {
    static let magic: UInt64 = 0x3130_4953_4347_4941  // "AIGCSI01"
    static let version: UInt64 = 2
    /// 5 words, 64 hex digits, zeros to 128 bytes: the index starts 64-byte aligned in the mapping, so each of its
    /// 64-byte filter lines is one cache line.
    static let headerSize = 128

    /// Changes whenever the layout or hashing of `SplitIndex` does.
    static var layout: UInt64 {
        var h: UInt64 = UInt64(SplitIndex.words) << 32 | UInt64(SplitIndex.lineBits) << 8 | UInt64(SplitIndex.wordBits)
        for m in [SplitIndex.lineMul, SplitIndex.anchoredMul, SplitIndex.hexMul, SplitIndex.pre3Mul, SplitIndex.suf3Mul] {
            h = (h ^ m) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        return h
    }

    static func fileURL(sha256: String, directory: URL) -> URL {
        directory.appendingPathComponent("\(sha256).v\(version).splitindex")
    }

    static var fileSize: Int { headerSize + SplitIndex.words * 8 }

    /// The cached index mapped read-only (the mapping's start; the words begin `headerSize` bytes in), or nil
    /// (missing, damaged, other version or layout). Unmap with `unmap`.
    static func map(sha256: String, directory: URL) -> UnsafeMutableRawPointer? {
        guard sha256.utf8.count == 64 else { return nil }
        let fd = open(fileURL(sha256: sha256, directory: directory).path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) == fileSize else { return nil }
        // MAP_POPULATE (Linux): the page-cache pages are mapped in one call, not faulted in one by one by the
        // encoding threads.
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let m = mmap(nil, fileSize, PROT_READ, flags, fd, 0),
              m != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        let w = (0..<5).map { UInt64(littleEndian: m.load(fromByteOffset: $0 * 8, as: UInt64.self)) }
        let hex = UnsafeRawBufferPointer(start: m + 40, count: 64)
        let pad = UnsafeRawBufferPointer(start: m + 104, count: headerSize - 104)
        guard w[0] == magic, w[1] == version, w[2] == layout, w[3] == UInt64(SplitIndex.words),
              hex.elementsEqual(sha256.utf8), pad.allSatisfy({ $0 == 0 }),
              VocabTableCache.checksum(m + headerSize, SplitIndex.words * 8, VocabTableCache.checksumSeed) == w[4] else {
            munmap(m, fileSize)
            return nil
        }
        return m
    }

    static func unmap(_ m: UnsafeMutableRawPointer) { munmap(m, fileSize) }

    /// Writes the index words for the vocabulary file with this (verified) SHA-256; failures are ignored (the
    /// cache is only a speed-up).
    static func store(_ words: UnsafeMutablePointer<UInt64>, sha256: String, directory: URL) {
        guard sha256.utf8.count == 64 else { return }
        let bodySize = SplitIndex.words * 8
        let sum = VocabTableCache.checksum(words, bodySize, VocabTableCache.checksumSeed)
        var header = [UInt8]()
        for v in [magic, version, layout, UInt64(SplitIndex.words), sum] {
            withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) }
        }
        header.append(contentsOf: sha256.utf8)
        header.append(contentsOf: [UInt8](repeating: 0, count: headerSize - header.count))
        do {
            let w = try AtomicFileWriter(url: fileURL(sha256: sha256, directory: directory))
            try header.withUnsafeBytes { try w.write(bytes: $0) }
            try w.write(bytes: UnsafeRawBufferPointer(start: words, count: bodySize))
            try w.commit()
        } catch {}
    }
}

extension SplitIndexCache {
    /// Test hook: writes the model's index (as built from its table) to a cache in `directory`, reads it back and
    /// says whether every word came back.
    package static func roundTripForTesting(_ model: BPEModel, sha256: String, directory: URL) -> Bool {
        var built = model.splitIndex.builtWordsForTesting()
        built.withUnsafeMutableBufferPointer { store($0.baseAddress!, sha256: sha256, directory: directory) }
        guard let m = map(sha256: sha256, directory: directory) else { return false }
        defer { unmap(m) }
        return built.withUnsafeBytes { $0.elementsEqual(UnsafeRawBufferPointer(start: m + headerSize, count: SplitIndex.words * 8)) }
    }

    /// Test hook: whether a cache file for this hash is present and accepted.
    package static func acceptsForTesting(sha256: String, directory: URL) -> Bool {
        guard let m = map(sha256: sha256, directory: directory) else { return false }
        unmap(m)
        return true
    }

    package static func fileURLForTesting(sha256: String, directory: URL) -> URL { fileURL(sha256: sha256, directory: directory) }
}
