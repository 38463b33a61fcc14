import CKernels
import Foundation

/// Which byte n-grams occur inside vocabulary tokens, to cut long pieces where no token can span the cut.
///
/// Under the tiktoken rule every part of a piece is always a token (a substring of the piece), and two parts merge
/// only into a token. So if no token is a substring of the piece crossing offset k, no part ever crosses k, and
/// BPE of the piece equals BPE of the two sides run separately (each side's merges are chosen in the same order as
/// alone). A token crossing k with i bytes before and j after contains: the 4-gram around k (i, j ≥ 2), a 3-gram
/// prefix of a token (i = 1, j ≥ 2), a 3-gram suffix of a token (i ≥ 2, j = 1), or is the 2-byte pair (i = j = 1).
/// These sets are Bloom-style bit filters (false positives only forgo a cut). Long CJK or emoji runs then become
/// short sub-pieces that the per-thread cache answers.
final class SplitIndex: @unchecked Sendable {
    static let quadBits = 23, triBits = 20
    static let words = (1 << (quadBits - 6)) + 2 * (1 << (triBits - 6)) + 1024
    let quad: UnsafeMutablePointer<UInt64>
    let pre3: UnsafeMutablePointer<UInt64>
    let suf3: UnsafeMutablePointer<UInt64>
    /// The two-byte tokens as a 65536-bit set (8 KiB, stays in L1 unlike the 256 KiB rank table).
    let pair: UnsafeMutablePointer<UInt64>

    @inline(__always) static func h(_ x: UInt32, _ bits: Int) -> Int { Int((x &* 0x9E37_79B1) >> UInt32(32 - bits)) }
    @inline(__always) static func test(_ p: UnsafeMutablePointer<UInt64>, _ i: Int) -> Bool { p[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    @inline(__always) static func set(_ p: UnsafeMutablePointer<UInt64>, _ i: Int) { p[i >> 6] |= 1 << UInt64(i & 63) }

    init(_ t: ByteKeyTable) {
        // One huge-page region: quad (1 MiB), pre3 and suf3 (128 KiB each), pair (8 KiB).
        let tri = 1 << (SplitIndex.triBits - 6)
        quad = HugePages.allocate(UInt64.self, count: SplitIndex.words)
        pre3 = quad + (1 << (SplitIndex.quadBits - 6))
        suf3 = pre3 + tri
        pair = suf3 + tri
        for id in 0..<t.idCount where t.present[id] {
            let k = t.key(id)
            let n = k.count
            if n == 2 { SplitIndex.set(pair, Int(k[0]) << 8 | Int(k[1])) }
            if n < 3 { continue }
            SplitIndex.set(pre3, SplitIndex.h(SplitIndex.tri(k[0], k[1], k[2]), SplitIndex.triBits))
            SplitIndex.set(suf3, SplitIndex.h(SplitIndex.tri(k[n - 3], k[n - 2], k[n - 1]), SplitIndex.triBits))
            if n < 4 { continue }
            for i in 0...(n - 4) {
                SplitIndex.set(quad, SplitIndex.h(SplitIndex.tetra(k[i], k[i + 1], k[i + 2], k[i + 3]), SplitIndex.quadBits))
            }
        }
    }

    deinit { HugePages.free(quad, count: SplitIndex.words) }

    @inline(__always) static func tri(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | 0x0100_0000
    }

    @inline(__always) static func tetra(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24
    }

    @inline(__always) static func bit(_ p: UnsafeMutablePointer<UInt64>, _ i: Int) -> UInt64 { (p[i >> 6] >> UInt64(i & 63)) & 1 }

    /// The offsets k (0 < k < n, code point starts) where `canCut` holds, in order, written to `out` (capacity ≥ n);
    /// returns their count. `flags` (capacity ≥ n) is scratch. Code point starts are gathered first, then tested
    /// without branches into `flags` at fixed addresses, so the filter loads of consecutive offsets overlap instead
    /// of waiting one after another (in long CJK pieces they miss the caches); the passing offsets are compacted
    /// last.
    @inline(__always) func cuts(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Int32>,
                                flags: UnsafeMutablePointer<UInt32>) -> Int {
        var m = 0
        for k in 1..<n {
            out[m] = Int32(k)
            m += p[k] & 0xC0 != 0x80 ? 1 : 0
        }
        // The 1 MiB quad filter misses L2 at almost every offset of a CJK run: ask for all its lines first, so the
        // misses overlap instead of stalling the test loop one after another.
        for j in 0..<m {
            let k = Int(out[j])
            if k >= 2 && k + 2 <= n {
                ck_prefetch_read(quad + (SplitIndex.h(SplitIndex.tetra(p[k - 2], p[k - 1], p[k], p[k + 1]), SplitIndex.quadBits) >> 6))
            }
        }
        for j in 0..<m {
            let k = Int(out[j])
            if k >= 2 && k + 2 <= n {
                let a = p[k - 2], b = p[k - 1], c = p[k], d = p[k + 1]
                let x = SplitIndex.bit(pair, Int(b) << 8 | Int(c))
                    | SplitIndex.bit(pre3, SplitIndex.h(SplitIndex.tri(b, c, d), SplitIndex.triBits))
                    | SplitIndex.bit(suf3, SplitIndex.h(SplitIndex.tri(a, b, c), SplitIndex.triBits))
                    | SplitIndex.bit(quad, SplitIndex.h(SplitIndex.tetra(a, b, c, d), SplitIndex.quadBits))
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

    /// Whether no token can span offset k of p[0..<n] (0 < k < n).
    @inline(__always) func canCut(_ p: UnsafePointer<UInt8>, _ n: Int, _ k: Int) -> Bool {
        if SplitIndex.test(pair, Int(p[k - 1]) << 8 | Int(p[k])) { return false }
        if k + 2 <= n && SplitIndex.test(pre3, SplitIndex.h(SplitIndex.tri(p[k - 1], p[k], p[k + 1]), SplitIndex.triBits)) { return false }
        if k >= 2 && SplitIndex.test(suf3, SplitIndex.h(SplitIndex.tri(p[k - 2], p[k - 1], p[k]), SplitIndex.triBits)) { return false }
        if k >= 2 && k + 2 <= n
            && SplitIndex.test(quad, SplitIndex.h(SplitIndex.tetra(p[k - 2], p[k - 1], p[k], p[k + 1]), SplitIndex.quadBits)) { return false }
        return true
    }
}

/// Thread-safe lazy holder (built on the first long piece, so loading stays fast).
final class LazySplitIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SplitIndex?
    private let table: ByteKeyTable

    init(_ t: ByteKeyTable) { table = t }

    var index: SplitIndex {
        lock.lock()
        defer { lock.unlock() }
        if let v = value { return v }
        let v = SplitIndex(table)
        value = v
        return v
    }
}
