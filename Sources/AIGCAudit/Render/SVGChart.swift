import Foundation

/// Inline SVG charts for the HTML report: no scripts, no external resources, readable in print. Every label is
/// escaped; sizes are fixed so the layout never depends on the data's magnitude.
public enum SVGChart {
    /// A histogram of `bins` with percentile markers.
    public static func histogram(_ d: DistributionSummary, title: String, width: Int = 560, height: Int = 200) -> String {
        let bins = d.histogram
        guard !bins.isEmpty else { return "<p class=\"empty\">\(HTML.escape(title)): no data</p>" }
        let left = 48, right = 12, top = 22, bottom = 34
        let plotW = width - left - right, plotH = height - top - bottom
        let maxCount = max(bins.map(\.count).max() ?? 1, 1)
        let lo = Double(bins.first!.lower), hi = Double(bins.last!.upper) + 1
        let span = max(hi - lo, 1)
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title>"
        s += "<text x=\"\(left)\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        s += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" class=\"axis\"/>"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" class=\"axis\"/>"
        let barW = Double(plotW) / Double(bins.count)
        for (k, b) in bins.enumerated() {
            let h = Double(plotH) * Double(b.count) / Double(maxCount)
            let x = Double(left) + Double(k) * barW
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"><title>%@</title></rect>",
                        x + 0.5, Double(top + plotH) - h, max(barW - 1, 0.5), h,
                        HTML.escape("\(b.lower)–\(b.upper): \(b.count)"))
        }
        for (name, v) in [("p50", d.p50), ("p90", d.p90), ("p99", d.p99)] {
            let x = Double(left) + Double(plotW) * min(max((Double(v) - lo) / span, 0), 1)
            s += String(format: "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"pct\"/>", x, top, x, top + plotH)
            s += String(format: "<text x=\"%.1f\" y=\"%d\" class=\"pl\">%@</text>", x + 2, top + 10, name)
        }
        s += "<text x=\"\(left)\" y=\"\(height - 16)\" class=\"al\">\(bins.first!.lower)</text>"
        s += "<text x=\"\(left + plotW)\" y=\"\(height - 16)\" class=\"al\" text-anchor=\"end\">\(bins.last!.upper)</text>"
        s += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" class=\"al\" text-anchor=\"end\">\(maxCount)</text>"
        s += "<text x=\"\(left - 4)\" y=\"\(top + plotH)\" class=\"al\" text-anchor=\"end\">0</text>"
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 3)\" class=\"al\" text-anchor=\"middle\">p50 \(d.p50) · p90 \(d.p90) · p99 \(d.p99) · max \(d.max)</text>"
        s += "</svg>"
        return s
    }

    /// Horizontal bars: one row per (label, value), scaled to the largest value, with a value label.
    public static func bars(_ rows: [(label: String, value: Double, text: String)], title: String, width: Int = 560) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(HTML.escape(title)): none</p>" }
        let rowH = 20, top = 22, labelW = 150
        let height = top + rows.count * rowH + 6
        let plotW = width - labelW - 90
        let maxV = max(rows.map(\.value).max() ?? 1, 1e-12)
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        for (k, r) in rows.enumerated() {
            let y = top + k * rowH
            let w = Double(plotW) * r.value / maxV
            let label = r.label.count > 24 ? String(r.label.prefix(23)) + "…" : r.label
            s += "<text x=\"\(labelW - 6)\" y=\"\(y + 14)\" class=\"bl\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            s += String(format: "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"/>", labelW, y + 3, max(w, 1), rowH - 6)
            s += String(format: "<text x=\"%.1f\" y=\"%d\" class=\"al\">%@</text>", Double(labelW) + max(w, 1) + 4, y + 14, HTML.escape(r.text))
        }
        return s + "</svg>"
    }

    /// One stacked bar per row (e.g. trained / untrained / padding tokens per split) with a legend.
    public static func stacked(_ rows: [(label: String, parts: [Double])], legend: [String], title: String, width: Int = 560) -> String {
        guard !rows.isEmpty else { return "" }
        let rowH = 26, top = 40, labelW = 90
        let height = top + rows.count * rowH + 6
        let plotW = width - labelW - 10
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        for (k, name) in legend.enumerated() {
            s += "<rect x=\"\(labelW + k * 150)\" y=\"22\" width=\"10\" height=\"10\" class=\"s\(k)\"/>"
            s += "<text x=\"\(labelW + k * 150 + 14)\" y=\"31\" class=\"al\">\(HTML.escape(name))</text>"
        }
        for (k, r) in rows.enumerated() {
            let y = top + k * rowH
            let total = max(r.parts.reduce(0, +), 1e-12)
            s += "<text x=\"\(labelW - 6)\" y=\"\(y + 16)\" class=\"bl\" text-anchor=\"end\">\(HTML.escape(r.label))</text>"
            var x = Double(labelW)
            for (j, p) in r.parts.enumerated() {
                let w = Double(plotW) * p / total
                s += String(format: "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"s%d\"><title>%@</title></rect>",
                            x, y + 4, w, rowH - 8, j, HTML.escape("\(legend[j]): \(Int(p))"))
                x += w
            }
        }
        return s + "</svg>"
    }
}
