import AIGCCore
import CKernels
import Foundation

/// Which byte n-grams occur where in vocabulary tokens, to cut long pieces where no token can span the cut.
///
/// Under the tiktoken rule every part of a piece is always a token (a substring of the piece), and two parts merge
/// only into a token. So if no token is a substring of the piece crossing offset k, no part ever crosses k, and
/// BPE of the piece equals BPE of the two sides run separately (each side's merges are chosen in the same order as
/// alone). A token crossing k with i ≥ 1 bytes before k and j ≥ 1 after is, or contains:
/// - i = j = 1: the pair p[k-1..<k+1] (`pair`, exact);
/// - i = 1, j ≥ 2: a token starting with p[k-1..<k+2] (`pre3`);
/// - i ≥ 2, j = 1: a token ending with p[k-2..<k+1] (`suf3`);
/// - i = 2, j ≥ 2: a token starting with the quad q = p[k-2..<k+2]; i ≥ 3, j = 2: a token ending with q
///   (`anchored`: first and last four bytes of tokens);
/// - i ≥ 3, j ≥ 3: a token containing the six bytes p[k-3..<k+3] (`hex`: every 6-gram of every token).
/// Anchoring the 4-byte tests at a token's ends and testing 6 bytes in the middle blocks far fewer offsets than
/// "q occurs anywhere in a token": in o200k_base CJK runs about 1% of character boundaries instead of 5% (and 16%
/// with the single-hash filters this replaced), so nearly every part is one character that the caches answer.
/// The sets are Bloom filters (false positives only forgo a cut): three bits per entry; `pre3` and `suf3` keep
/// an entry's bits in one 64-bit word, `anchored` and `hex` in one 64-byte line chosen by q, so testing an offset
/// reads one line of the 1 MiB table (fetched ahead, see `cuts`).
final class SplitIndex: @unchecked Sendable {
    /// 2^lineBits lines of 64 bytes (1 MiB) for the anchored and hex tests; 2^wordBits words (128 KiB) per 3-gram set.
    static let lineBits = 14, wordBits = 14
    static let words = (8 << lineBits) + 2 * (1 << wordBits) + 1024
    /// The filters' words, as plain pointers the encoding threads keep (`BPEScratch.splitFilters`): testing a piece
    /// then retains nothing (fetching the index object per long piece was a copy, two retains, three releases and
    /// an out-of-line `===`: ~2.5% of a two-thread encode of the category mix).
    let filters: Filters
    var lines: UnsafeMutablePointer<UInt64> { filters.lines }

    // Multiplicative hashes: the top bits of a 64-bit product depend on every bit of the key.
    static let lineMul: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let anchoredMul: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let hexMul: UInt64 = 0x1656_67B1_9E37_79F9
    static let pre3Mul: UInt64 = 0xD6E8_FEB8_6659_FD93
    static let suf3Mul: UInt64 = 0xFF51_AFD7_ED55_8CCD

    /// The cache mapping the words live in (nil: they are `HugePageMemory` the index allocated and owns).
    private let mapping: UnsafeMutableRawPointer?

    /// Over `words` (`SplitIndex.words` words): zeroed `HugePageMemory` to be filled, which the index then owns,
    /// or the read-only words of a cache `mapping`, which it unmaps.
    init(words: UnsafeMutablePointer<UInt64>, mapping: UnsafeMutableRawPointer? = nil) {
        self.mapping = mapping
        filters = Filters(words: words)
    }

    /// Built from every token of the table.
    convenience init(_ t: ByteKeyTable) {
        self.init(words: HugePageMemory.allocate(UInt64.self, count: SplitIndex.words))
        let pair = filters.pair, pre3 = filters.pre3, suf3 = filters.suf3, lines = filters.lines
        for id in 0..<t.idCount where t.present[id] {
            let b = t.key(id)
            guard let k = b.baseAddress else { continue }
            let n = b.count
            if n == 2 { SplitIndex.setPair(pair, k[0], k[1]) }
            if n < 3 { continue }
            SplitIndex.setWord(pre3, SplitIndex.load3(k) &* SplitIndex.pre3Mul)
            SplitIndex.setWord(suf3, SplitIndex.load3(k + n - 3) &* SplitIndex.suf3Mul)
            if n < 4 { continue }
            let first = SplitIndex.load4(k), last = SplitIndex.load4(k + n - 4)
            SplitIndex.setLine(lines, first, UInt64(first) &* SplitIndex.anchoredMul)
            SplitIndex.setLine(lines, last, UInt64(last) &* SplitIndex.anchoredMul)
            if n < 6 { continue }
            for i in 0...(n - 6) {
                SplitIndex.setLine(lines, SplitIndex.load4(k + i + 1), SplitIndex.load6(k + i) &* SplitIndex.hexMul)
            }
        }
    }

    deinit {
        if let mapping { SplitIndexCache.unmap(mapping) } else { HugePageMemory.free(lines, count: SplitIndex.words) }
    }

    @inline(__always) static func load3(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(p[0]) | UInt64(p[1]) << 8 | UInt64(p[2]) << 16
    }

    @inline(__always) static func load4(_ p: UnsafePointer<UInt8>) -> UInt32 {
        ck_load_u32(UnsafeRawPointer(p), 0)
    }

    @inline(__always) static func load6(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(load4(p)) | UInt64(p[4]) << 32 | UInt64(p[5]) << 40
    }

    @inline(__always) static func setPair(_ w: UnsafeMutablePointer<UInt64>, _ a: UInt8, _ b: UInt8) {
        let i = Int(a) << 8 | Int(b)
        w[i >> 6] |= 1 << UInt64(i & 63)
    }

    @inline(__always) static func pairBit(_ w: UnsafeMutablePointer<UInt64>, _ a: UInt8, _ b: UInt8) -> UInt64 {
        let i = Int(a) << 8 | Int(b)
        return (w[i >> 6] >> UInt64(i & 63)) & 1
    }

    /// Word-blocked entry: the word from the top `wordBits` bits of the hash, three bit positions from the next 18.
    @inline(__always) static func setWord(_ w: UnsafeMutablePointer<UInt64>, _ h: UInt64) {
        let i = Int(truncatingIfNeeded: h >> UInt64(64 - wordBits))
        w[i] |= 1 << ((h >> 44) & 63) | 1 << ((h >> 38) & 63) | 1 << ((h >> 32) & 63)
    }

    /// 1 when all three bits of the entry are set, else 0.
    @inline(__always) static func wordHas(_ w: UnsafeMutablePointer<UInt64>, _ h: UInt64) -> UInt64 {
        let x = w[Int(truncatingIfNeeded: h >> UInt64(64 - wordBits))]
        return (x >> ((h >> 44) & 63)) & (x >> ((h >> 38) & 63)) & (x >> ((h >> 32) & 63)) & 1
    }

    /// The line of a quad (8 words).
    @inline(__always) static func line(_ l: UnsafeMutablePointer<UInt64>, _ q: UInt32) -> UnsafeMutablePointer<UInt64> {
        l + Int(truncatingIfNeeded: (UInt64(q) &* lineMul) >> UInt64(64 - lineBits)) << 3
    }

    /// Line-blocked entry: three bit positions of the 512-bit line from the top 27 bits of the hash.
    @inline(__always) static func setLine(_ l: UnsafeMutablePointer<UInt64>, _ q: UInt32, _ h: UInt64) {
        let w = line(l, q)
        let a = Int(truncatingIfNeeded: (h >> 55) & 511), b = Int(truncatingIfNeeded: (h >> 46) & 511)
        let c = Int(truncatingIfNeeded: (h >> 37) & 511)
        w[a >> 6] |= 1 << UInt64(a & 63)
        w[b >> 6] |= 1 << UInt64(b & 63)
        w[c >> 6] |= 1 << UInt64(c & 63)
    }

    @inline(__always) static func lineHas(_ w: UnsafeMutablePointer<UInt64>, _ h: UInt64) -> UInt64 {
        let a = Int(truncatingIfNeeded: (h >> 55) & 511), b = Int(truncatingIfNeeded: (h >> 46) & 511)
        let c = Int(truncatingIfNeeded: (h >> 37) & 511)
        return (w[a >> 6] >> UInt64(a & 63)) & (w[b >> 6] >> UInt64(b & 63)) & (w[c >> 6] >> UInt64(c & 63)) & 1
    }

    /// The offsets where a long piece can be cut (`Filters.cuts`).
    func cuts(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Int32>,
              flags: UnsafeMutablePointer<UInt32>) -> Int {
        filters.cuts(p, n, into: out, flags: flags)
    }
}

extension SplitIndex {
    /// The four filters over the index's words (which the index owns and keeps alive).
    struct Filters {
        let lines: UnsafeMutablePointer<UInt64>
        let pre3: UnsafeMutablePointer<UInt64>
        let suf3: UnsafeMutablePointer<UInt64>
        /// The two-byte tokens as a 65536-bit set (8 KiB, stays in L1 unlike the 256 KiB rank table).
        let pair: UnsafeMutablePointer<UInt64>

        /// One huge-page region: lines (1 MiB), pre3 and suf3 (128 KiB each), pair (8 KiB).
        init(words: UnsafeMutablePointer<UInt64>) {
            lines = words
            pre3 = lines + (8 << SplitIndex.lineBits)
            suf3 = pre3 + (1 << SplitIndex.wordBits)
            pair = suf3 + (1 << SplitIndex.wordBits)
        }

        /// The offsets k (0 < k < n, code point starts) where `canCut` holds, in order, written to `out`
        /// (capacity ≥ n); returns their count. `flags` (capacity ≥ n) is scratch. Code point starts are gathered
        /// first, then tested without branches into `flags` at fixed addresses, so the filter loads of consecutive
        /// offsets overlap instead of waiting one after another (in long CJK pieces they miss the caches); the
        /// passing offsets are compacted last.
        @inline(never) func cuts(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Int32>,
                                    flags: UnsafeMutablePointer<UInt32>) -> Int {
            var m = 0
            for k in 1..<n {
                out[m] = Int32(k)
                m += p[k] & 0xC0 != 0x80 ? 1 : 0
            }
            // The 1 MiB line table misses L2 at almost every offset of a CJK run: ask for all its lines first, so
            // the misses overlap instead of stalling the test loop one after another.
            for j in 0..<m {
                let k = Int(out[j])
                if k >= 2 && k + 2 <= n { ck_prefetch_read(SplitIndex.line(lines, SplitIndex.load4(p + k - 2))) }
            }
            for j in 0..<m {
                let k = Int(out[j])
                if k >= 3 && k + 3 <= n {
                    let q = SplitIndex.load4(p + k - 2)
                    let w = SplitIndex.line(lines, q)
                    let x = SplitIndex.pairBit(pair, p[k - 1], p[k])
                        | SplitIndex.wordHas(pre3, SplitIndex.load3(p + k - 1) &* SplitIndex.pre3Mul)
                        | SplitIndex.wordHas(suf3, SplitIndex.load3(p + k - 2) &* SplitIndex.suf3Mul)
                        | SplitIndex.lineHas(w, UInt64(q) &* SplitIndex.anchoredMul)
                        | SplitIndex.lineHas(w, SplitIndex.load6(p + k - 3) &* SplitIndex.hexMul)
                    flags[j] = UInt32(truncatingIfNeeded: x)
                } else {
                    flags[j] = canCut(p, n, k) ? 0 : 1
                }
            }
            var w = 0
            for j in 0..<m {
                out[w] = out[j]
                w += flags[j] == 0 ? 1 : 0
            }
            return w
        }

        /// Whether no token can span offset k of p[0..<n] (0 < k < n); the cases of the type comment, each where
        /// the piece has the bytes for it.
        @inline(__always) func canCut(_ p: UnsafePointer<UInt8>, _ n: Int, _ k: Int) -> Bool {
            if SplitIndex.pairBit(pair, p[k - 1], p[k]) != 0 { return false }
            if k + 2 <= n && SplitIndex.wordHas(pre3, SplitIndex.load3(p + k - 1) &* SplitIndex.pre3Mul) != 0 {
                return false
            }
            if k >= 2 && SplitIndex.wordHas(suf3, SplitIndex.load3(p + k - 2) &* SplitIndex.suf3Mul) != 0 {
                return false
            }
            if k >= 2 && k + 2 <= n {
                let q = SplitIndex.load4(p + k - 2)
                let w = SplitIndex.line(lines, q)
                if SplitIndex.lineHas(w, UInt64(q) &* SplitIndex.anchoredMul) != 0 { return false }
                if k >= 3 && k + 3 <= n && SplitIndex.lineHas(w, SplitIndex.load6(p + k - 3) &* SplitIndex.hexMul) != 0 { return false }
            }
            return true
        }
    }
}

/// Thread-safe lazy holder (built on the first long piece, so loading stays fast). For a named encoding whose
/// vocabulary hash was verified, read from and written to `SplitIndexCache`.
final class LazySplitIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SplitIndex?
    private let table: ByteKeyTable
    private var cache: (sha256: String, directory: URL)?

    init(_ t: ByteKeyTable) { table = t }

    /// Where the index of this vocabulary (SHA-256 verified by the caller) is cached.
    func useCache(sha256: String, directory: URL) {
        lock.lock()
        defer { lock.unlock() }
        cache = (sha256, directory)
    }

    var index: SplitIndex {
        lock.lock()
        defer { lock.unlock() }
        if let v = value { return v }
        let v: SplitIndex
        if let c = cache {
            if let m = SplitIndexCache.map(sha256: c.sha256, directory: c.directory) {
                // Read-only: the index never writes its words after building them.
                v = SplitIndex(words: (m + SplitIndexCache.headerSize).assumingMemoryBound(to: UInt64.self), mapping: m)
            } else {
                v = SplitIndex(table)
                SplitIndexCache.store(v.lines, sha256: c.sha256, directory: c.directory)
            }
        } else {
            v = SplitIndex(table)
        }
        value = v
        return v
    }

    /// Test hook: the index's words as built from the table (not from any cache).
    func builtWordsForTesting() -> [UInt64] {
        let v = SplitIndex(table)
        return Array(UnsafeBufferPointer(start: v.lines, count: SplitIndex.words))
    }
}
