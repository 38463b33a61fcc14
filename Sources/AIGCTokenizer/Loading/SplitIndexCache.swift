import AIGCCore
import Foundation

/// A binary copy of a named encoding's split index (`SplitIndex`: 1.3 MiB of Bloom-filter bits), beside the
/// vocabulary-table cache, so a process encoding long text reads it (~0.3 ms) instead of building it from every
/// token's n-grams (~7 ms for o200k_base, serial before the first long piece on any thread: 5–8% of a two-thread
/// `aigc encode` of a 3 MB file).
///
/// Trust, as for `VocabTableCache`: the file is named by the SHA-256 of the vocabulary file, carries that hash, a
/// format version and a fingerprint of the index's layout (table sizes and hash multipliers, so changing either
/// makes old files unreadable), and a checksum over every byte; it is written only for a vocabulary whose hash was
/// verified, atomically. Any bit pattern is memory-safe (every index into the bits is masked); a file that fails a
/// check is ignored and the index rebuilt (and rewritten).
package enum SplitIndexCache {
    static let magic: UInt64 = 0x3130_4953_4347_4941  // "AIGCSI01"
    static let version: UInt64 = 1
    /// 5 words + 64 hex digits.
    static let headerSize = 5 * 8 + 64

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

    /// The index words read from the cache into `into` (`SplitIndex.words` words), or false (missing, damaged,
    /// other version or layout; `into` may then hold anything and must be refilled).
    static func load(sha256: String, directory: URL, into words: UnsafeMutablePointer<UInt64>) -> Bool {
        guard sha256.utf8.count == 64 else { return false }
        let fd = open(fileURL(sha256: sha256, directory: directory).path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        var st = stat()
        let bodySize = SplitIndex.words * 8
        guard fstat(fd, &st) == 0, Int(st.st_size) == headerSize + bodySize else { return false }
        var header = [UInt8](repeating: 0, count: headerSize)
        guard header.withUnsafeMutableBytes({ VocabTableCache.readFully(fd, $0.baseAddress!, headerSize) }) else { return false }
        let w = header.withUnsafeBytes { raw in (0..<5).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) } }
        guard w[0] == magic, w[1] == version, w[2] == layout, w[3] == UInt64(SplitIndex.words),
              Array(header[40...]) == Array(sha256.utf8) else { return false }
        guard VocabTableCache.readFully(fd, words, bodySize) else { return false }
        return VocabTableCache.checksum(words, bodySize, VocabTableCache.checksumSeed) == w[4]
    }

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
        let words = HugePageMemory.allocate(UInt64.self, count: SplitIndex.words)
        defer { HugePageMemory.free(words, count: SplitIndex.words) }
        guard load(sha256: sha256, directory: directory, into: words) else { return false }
        return built == Array(UnsafeBufferPointer(start: words, count: SplitIndex.words))
    }

    /// Test hook: whether a cache file for this hash is present and accepted.
    package static func acceptsForTesting(sha256: String, directory: URL) -> Bool {
        let words = HugePageMemory.allocate(UInt64.self, count: SplitIndex.words)
        defer { HugePageMemory.free(words, count: SplitIndex.words) }
        return load(sha256: sha256, directory: directory, into: words)
    }

    package static func fileURLForTesting(sha256: String, directory: URL) -> URL { fileURL(sha256: sha256, directory: directory) }
}
