import Foundation

/// A self-contained SVG line chart of losses against iterations (no scripts, no external fonts), so a
/// training directory can be inspected in any browser.
public struct LossChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        public var markers: Bool
        public init(name: String, color: String, points: [(x: Double, y: Double)], markers: Bool = false) {
            self.name = name; self.color = color; self.points = points; self.markers = markers
        }
    }

    public var title: String
    public var series: [Series]
    public var xLabel = "iteration"
    public var yLabel = "loss"

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    public func svg(width: Int = 720, height: Int = 420) -> String {
        let left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        let xmin = all.map(\.x).min() ?? 0, xmax = max((all.map(\.x).max() ?? 1), xmin + 1)
        var ymin = all.map(\.y).min() ?? 0, ymax = all.map(\.y).max() ?? 1
        if ymax - ymin < 1e-9 { ymin -= 0.5; ymax += 0.5 }
        let pad = (ymax - ymin) * 0.05
        ymin -= pad; ymax += pad
        func px(_ x: Double) -> Double { left + (x - xmin) / (xmax - xmin) * w }
        func py(_ y: Double) -> Double { top + (1 - (y - ymin) / (ymax - ymin)) * h }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(left))\" y=\"22\" font-size=\"15\">\(esc(title))</text>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"none\" stroke=\"#888\"/>\n"
        for i in 0...5 {
            let yv = ymin + (ymax - ymin) * Double(i) / 5
            let y = py(yv)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + w))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(String(format: "%.3f", yv))</text>\n"
            let xv = xmin + (xmax - xmin) * Double(i) / 5
            out += "<text x=\"\(f(px(xv)))\" y=\"\(f(top + h + 18))\" text-anchor=\"middle\">\(Int(xv.rounded()))</text>\n"
        }
        out += "<text x=\"\(f(left + w / 2))\" y=\"\(f(Double(height) - 10))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        out += "<text x=\"14\" y=\"\(f(top + h / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + h / 2)))\">\(esc(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let pts = s.points.filter { $0.y.isFinite }
            if !pts.isEmpty {
                let path = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
                if s.markers {
                    for p in pts { out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(s.color)\"/>" }
                    out += "\n"
                }
            }
            let ly = top + 14 + Double(k) * 16
            out += "<line x1=\"\(f(left + w - 150))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + w - 130))\" y2=\"\(f(ly - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(left + w - 124))\" y=\"\(f(ly))\">\(esc(s.name))</text>\n"
        }
        out += "</svg>\n"
        return out
    }
}
