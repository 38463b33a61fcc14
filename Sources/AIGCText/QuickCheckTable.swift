import CICU

/// ICU's quick-check answers per code point for one normalization form, as one byte each (CICU's
/// `cicu_quickcheck.h`): whether the code point starts a normalization segment (`unorm2_hasBoundaryBefore`),
/// whether normalization leaves it alone (`unorm2_quickCheck` of it alone is YES) and its canonical combining class.
/// Built lazily from ICU's own data, 256 code points at a time, on first use by any thread; shared by every thread
/// for the life of the process (a block costs about 256 × 3 ICU calls, a few tens of microseconds).
struct QuickCheckTable {
    let form: Int32
    let stage1: UnsafePointer<UnsafePointer<UInt8>?>
    /// The flat array of the first two planes and its summary in groups of 16 (`cicu_qc_entry`): one load per
    /// code point there (letters of most scripts, emoji) instead of two dependent ones.
    let bmp: UnsafePointer<UInt8>
    let starters16: UnsafePointer<UInt8>

    init?(_ form: NormalizationForm) {
        guard let s = cicu_qc_stage1(form.icu), let b = cicu_qc_bmp(form.icu),
              let g = cicu_qc_starters16(form.icu) else { return nil }
        self.form = form.icu
        self.stage1 = s
        self.bmp = b
        self.starters16 = g
    }

    @inline(__always) func entry(_ c: UInt32) -> UInt8 { cicu_qc_entry(starters16, bmp, stage1, form, c) }

    static let starter = UInt8(CICU_QC_STARTER)
    static let followerCC0 = UInt8(CICU_QC_FOLLOWER_CC0)
    static let dirtyStarter = UInt8(CICU_QC_DIRTY_STARTER)
    static let dirty = UInt8(CICU_QC_DIRTY)
    static let maybeCC = UInt8(CICU_QC_MAYBE_CC)
    static let maybeCC0 = UInt8(CICU_QC_MAYBE_CC0)

    /// True when `a` and `b` have a primary composite in this form (`unorm2_composePair`, Hangul included). When
    /// ICU fails the answer is true, so the caller treats the piece as dirty and ICU reports.
    func composes(_ a: UInt32, _ b: UInt32) -> Bool { cicu_compose_pair(form, a, b) != -1 }

    /// Canonical combining class of `c` (nil when ICU fails).
    func combiningClass(_ c: UInt32) -> UInt8? {
        let cc = cicu_combining_class(form, c)
        return cc >= 0 && cc <= 0xF0 ? UInt8(cc) : nil
    }

    /// Fills every block of `form` (all 0x110000 code points); returns the number of blocks. For measuring the
    /// cost of a full build (tests, benchmarks); the normalizer never needs it.
    static func buildAll(_ form: NormalizationForm) -> Int { Int(cicu_qc_fill_all(form.icu)) }
}
