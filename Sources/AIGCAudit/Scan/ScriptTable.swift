import AIGCText

/// ICU script codes this module needs, looked up once (not hard-coded: ICU owns the numbering), and per-script
/// counters indexed by code. ICU has fewer than 256 script codes, so a code fits a byte.
public enum ScriptTable {
    public static let common: Int32 = UnicodeInfo.scriptCode(0x21)      // Zyyy
    public static let inherited: Int32 = UnicodeInfo.scriptCode(0x0300) // Zinh
    public static let latin: Int32 = UnicodeInfo.scriptCode(0x41)       // Latn
    public static let size = 256

    /// Scripts written without spaces between words: each scalar counts as a word for fertility.
    public static let unspaced: Set<Int32> = Set([0x4E00, 0x3042, 0x30A2, 0x0E01, 0x0E81, 0x1780, 0x1000, 0x0F40]
        .map { UnicodeInfo.scriptCode($0) })

    /// Names of all codes, computed on first use.
    public static let names: [String] = (0..<size).map { UnicodeInfo.scriptName(Int32($0)) }

    /// True when `code` is Common or Inherited (script-neutral).
    @inline(__always) public static func isNeutral(_ code: Int32) -> Bool { code == common || code == inherited }
}
