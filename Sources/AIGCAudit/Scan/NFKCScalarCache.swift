import AIGCText
import CICU
import AIGCCore

/// `NFKCCheck.wouldChange` with a per-code-point shortcut: a scalar that has a normalization boundary before it
/// (nothing before it can combine or reorder with it) and that NFKC maps to itself can never be changed, wherever
/// it stands. ASCII is such a scalar. So a text made only of them starts a new NFKC segment at every scalar, each
/// segment is left as it is, and the text is NFKC already — no String, no UTF-16 copy, no ICU call. ICU answers
/// for each code point on first sight; the answer is kept (one byte per code point), one cache per thread.
package struct NFKCScalarCache {
    /// Per code point: 0 not asked yet, 1 stable, 2 not.
    private var known: [UInt8] = []

    package init() {}

    package mutating func wouldChange(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        if known.isEmpty { known = [UInt8](repeating: 0, count: 0x110000) }
        var i = 0
        let n = p.count
        while i < n {
            if p[i] < 0x80 { i += 1; continue }
            let (ok, len) = UTF8Bytes.validSequenceLength(p, at: i)
            guard ok else { return NFKCCheck.wouldChange(p) }
            let c = UTF8Bytes.decode(p, at: i).scalar
            guard Int(c) < known.count else { return NFKCCheck.wouldChange(p) }
            var k = known[Int(c)]
            if k == 0 {
                k = Self.isStable(c) ? 1 : 2
                known[Int(c)] = k
            }
            if k != 1 { return NFKCCheck.wouldChange(p) }
            i += len
        }
        return false
    }

    /// Whether NFKC leaves `c` unchanged wherever it stands.
    static func isStable(_ c: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(c), cicu_norm_boundary_before(Int32(CICU_NFKC), c) == 1 else { return false }
        let utf16 = Array(String(Character(scalar)).utf16)
        guard let normalized = try? NormalizationForm.nfkc.normalize(utf16: utf16) else { return false }
        return normalized == utf16
    }
}
