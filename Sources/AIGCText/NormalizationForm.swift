import CICU

/// Unicode normalization forms, through ICU's Normalizer2.
public enum NormalizationForm: String, Sendable, Codable, CaseIterable {
    case nfc, nfd, nfkc, nfkd
    /// NFKC_Casefold (ICU's `nfkc_cf`).
    case nfkcCasefold = "nfkc-cf"

    @usableFromInline var icu: Int32 {
        switch self {
        case .nfc: return Int32(CICU_NFC)
        case .nfd: return Int32(CICU_NFD)
        case .nfkc: return Int32(CICU_NFKC)
        case .nfkd: return Int32(CICU_NFKD)
        case .nfkcCasefold: return Int32(CICU_NFKC_CF)
        }
    }

    /// Parses user spellings: "nfc", "NFKC", "nfkc-cf", "nfkc_cf", "NFKC_Casefold".
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "nfc": self = .nfc
        case "nfd": self = .nfd
        case "nfkc": self = .nfkc
        case "nfkd": self = .nfkd
        case "nfkc-cf", "nfkc-casefold", "nfkccf": self = .nfkcCasefold
        default: return nil
        }
    }

    /// Normalizes a UTF-16 string with ICU (the reference used by tests; the pipeline uses the segmented path).
    public func normalize(utf16 input: [UInt16]) throws -> [UInt16] {
        var out: [UInt16] = []
        let form = icu
        try icuTransform(input, into: &out, guess: input.count * 2 + 16, context: "unorm2_normalize(\(rawValue))") {
            cicu_normalize(form, $0, $1, $2, $3)
        }
        return out
    }

    /// Normalizes a String with ICU directly (whole string, no segmentation).
    public func normalize(_ s: String) throws -> String {
        let out = try normalize(utf16: Array(s.utf16))
        return String(decoding: out, as: UTF16.self)
    }
}
