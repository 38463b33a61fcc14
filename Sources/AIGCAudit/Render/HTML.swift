import Foundation

/// HTML text helpers for the report.
public enum HTML {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// 1234567 → "1,234,567".
    public static func int<T: BinaryInteger>(_ v: T) -> String {
        let s = String(v.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (v < 0 ? "-" : "") + out
    }

    public static func percent(_ x: Double) -> String { String(format: x < 0.001 && x > 0 ? "%.3f%%" : "%.1f%%", x * 100) }
    public static func fixed(_ x: Double?, _ digits: Int = 2) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "–" }

    public static func bytes(_ v: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var x = Double(v), i = 0
        while x >= 1000 && i < units.count - 1 { x /= 1000; i += 1 }
        return i == 0 ? "\(v) B" : String(format: "%.1f %@", x, units[i])
    }
}
