import CICU

/// Error from an ICU call, with ICU's error name.
public struct ICUError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var context: String
    public var description: String { "ICU error \(String(cString: cicu_error_name(code))) in \(context)" }
}

/// Runs an ICU "preflighting" call: tries with a buffer of `guess` units and retries once with the size ICU asks for.
@usableFromInline
func icuTransform(_ input: [UInt16], into out: inout [UInt16], guess: Int, context: String,
                  _ call: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32) -> Int32) throws {
    try input.withUnsafeBufferPointer { try icuTransform($0, into: &out, guess: guess, context: context, call) }
}

/// `icuTransform` of a slice of a larger buffer (no copy of the input). `out` keeps its capacity from call to
/// call: it is grown in place and trimmed to the result, so a scratch buffer stops allocating once it is large
/// enough (the normalizer calls this once per non-ASCII piece).
/// Generic over the code unit: UTF-16 for the C API, bytes for `cicu_normalize_utf8`.
func icuTransform<Unit: FixedWidthInteger>(
    _ input: UnsafeBufferPointer<Unit>, into out: inout [Unit], guess: Int, context: String,
    _ call: (UnsafePointer<Unit>?, Int32, UnsafeMutablePointer<Unit>?, Int32) -> Int32
) throws {
    let n = try icuTransformPrefix(input, into: &out, guess: guess, context: context, call)
    out.removeSubrange(n...)
}

/// The preflighting loop itself, for a caller that copies the result out at once (`FormWriter`; `icuTransform`
/// trims after it): `out` is only ever grown, never trimmed, and the result is `out[0..<returned count]`. Trimming
/// after every call and zero-filling the buffer up to the guess again before the next was ~3% of
/// `normalize --form nfkc` on emoji text, which calls ICU once per short dirty run.
func icuTransformPrefix<Unit: FixedWidthInteger>(
    _ input: UnsafeBufferPointer<Unit>, into out: inout [Unit], guess: Int, context: String,
    _ call: (UnsafePointer<Unit>?, Int32, UnsafeMutablePointer<Unit>?, Int32) -> Int32
) throws -> Int {
    var cap = max(guess, 16)
    for _ in 0..<3 {
        if out.count < cap { out.append(contentsOf: repeatElement(0, count: max(cap, 2 * out.count) - out.count)) }
        let n = out.withUnsafeMutableBufferPointer { dst in
            call(input.baseAddress, Int32(input.count), dst.baseAddress, Int32(dst.count))
        }
        if n < 0 { throw ICUError(code: n, context: context) }
        if Int(n) <= out.count { return Int(n) }
        cap = Int(n)
    }
    throw ICUError(code: -15, context: context)
}

/// Unicode helpers backed by ICU.
public enum UnicodeInfo {
    /// ICU general category values (UCharCategory).
    public enum Category: Int32 {
        case unassigned = 0, uppercaseLetter, lowercaseLetter, titlecaseLetter, modifierLetter, otherLetter,
             nonSpacingMark, enclosingMark, combiningSpacingMark, decimalDigit, letterNumber, otherNumber,
             spaceSeparator, lineSeparator, paragraphSeparator, control, format, privateUse, surrogate,
             dashPunctuation, startPunctuation, endPunctuation, connectorPunctuation, otherPunctuation,
             mathSymbol, currencySymbol, modifierSymbol, otherSymbol, initialPunctuation, finalPunctuation
    }

    @inlinable public static func category(_ c: UInt32) -> Category {
        Category(rawValue: cicu_char_type(c)) ?? .unassigned
    }

    /// Short ISO 15924 script code of a code point ("Latn", "Hani", "Zyyy" for common, …).
    public static func scriptCode(_ c: UInt32) -> Int32 { cicu_script(c) }

    public static func scriptName(_ code: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 16)
        let n = cicu_script_short_name(code, &buf, 16)
        return n < 0 ? "Zzzz" : String(cString: buf)
    }

    public static func isWhiteSpace(_ c: UInt32) -> Bool { cicu_has_binary_property(c, cicu_prop_white_space()) != 0 }
    public static func isExtendedPictographic(_ c: UInt32) -> Bool {
        cicu_has_binary_property(c, cicu_prop_extended_pictographic()) != 0
    }

    /// ICU and Unicode versions in use, e.g. ("72.1", "15.0").
    public static var versions: (icu: String, unicode: String) {
        var a = [CChar](repeating: 0, count: 32), b = [CChar](repeating: 0, count: 32)
        cicu_versions(&a, &b, 32)
        return (String(cString: a), String(cString: b))
    }
}
