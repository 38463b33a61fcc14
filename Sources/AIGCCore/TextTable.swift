/// A plain-text table for terminals: columns padded to their widest cell (counted in Unicode scalars), two
/// spaces apart, numbers right-aligned. The first row is the header.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.unicodeScalars.count) } }
        var out = ""
        for (r, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.unicodeScalars.count)
                let numeric = r > 0 && !cell.isEmpty && Double(cell.filter { $0 != "%" && $0 != "s" }) != nil
                if i > 0 { line += "  " }
                line += numeric ? pad + cell : (i == row.count - 1 ? cell : cell + pad)
            }
            out += line + "\n"
        }
        return out
    }
}
