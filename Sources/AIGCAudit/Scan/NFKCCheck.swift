import AIGCText
import CICU

/// Whether NFKC normalization would change a text. ASCII never changes; other text goes through ICU's quick check
/// (`unorm2_spanQuickCheckYes`) and, only past its "certainly normalized" prefix, a real normalization and compare.
public enum NFKCCheck {
    public static func wouldChange(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for b in p where b >= 0x80 { ascii = false; break }
        if ascii { return false }
        let utf16 = Array(String(decoding: p, as: UTF8.self).utf16)
        let span = utf16.withUnsafeBufferPointer { cicu_norm_span_yes(Int32(CICU_NFKC), $0.baseAddress, Int32($0.count)) }
        if span >= 0 && Int(span) >= utf16.count { return false }
        guard let normalized = try? NormalizationForm.nfkc.normalize(utf16: utf16) else { return true }
        return normalized != utf16
    }
}
