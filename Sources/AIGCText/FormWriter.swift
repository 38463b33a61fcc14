import CICU
import AIGCCore

/// The output of `applyForm`: clean source bytes are copied lazily (in one piece up to the next dirty run), so a
/// text that needs no change is never copied at all.
struct FormWriter {
    let src: UnsafeBufferPointer<UInt8>
    let srcOrigin: [Int]?
    let fold: Bool
    var out = TextBuilder(capacity: 0, tracking: false)
    var started = false
    /// `src[0..<emitted]` is in `out`.
    var emitted = 0

    init(src: UnsafeBufferPointer<UInt8>, srcOrigin: [Int]?, fold: Bool) {
        self.src = src
        self.srcOrigin = srcOrigin
        self.fold = fold
    }

    mutating func start() {
        if started { return }
        out = TextBuilder(capacity: src.count + src.count / 8 + 16, tracking: srcOrigin != nil)
        started = true
    }

    /// Copies the clean source bytes `emitted..<end` (NFKC_Casefold: ASCII A–Z lowercased).
    mutating func copyClean(upTo end: Int) {
        guard end > emitted else { return }
        let from = out.bytes.count
        out.copy(src, emitted..<end, srcOrigin: srcOrigin)
        emitted = end
        if fold {
            out.bytes.withUnsafeMutableBufferPointer { o in
                for k in from..<o.count where o[k] &- 0x41 < 26 { o[k] |= 0x20 }
            }
        }
    }

    /// Normalizes the dirty run `r` with ICU. Without alignment, on the UTF-8 bytes themselves
    /// (`cicu_normalize_utf8`); with it, through UTF-16 (`unorm2_normalize`), whose code points `emitUTF16` aligns
    /// one by one.
    mutating func normalize(_ r: Range<Int>, _ form: Int32, _ scratch: StepScratch) throws {
        start()
        copyClean(upTo: r.lowerBound)
        if srcOrigin == nil {
            let n = try icuTransformPrefix(UnsafeBufferPointer(rebasing: src[r]), into: &scratch.out8, guess: r.count * 3 + 16,
                                           context: "normalizeUTF8") {
                cicu_normalize_utf8(form, $0, $1, $2, $3)
            }
            scratch.out8.withUnsafeBufferPointer { out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
            emitted = r.upperBound
            return
        }
        utf16(of: src, r, into: &scratch.in16)
        try icuTransform(scratch.in16, into: &scratch.out16, guess: scratch.in16.count * 3 + 8,
                         context: "unorm2_normalize") {
            cicu_normalize(form, $0, $1, $2, $3)
        }
        scratch.out16.withUnsafeBufferPointer { o in out.emitUTF16(o, replacing: r, in: src, srcOrigin: srcOrigin) }
        emitted = r.upperBound
    }
}
