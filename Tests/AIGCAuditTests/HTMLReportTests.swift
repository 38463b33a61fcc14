import AIGCAudit
import Foundation
import Testing

@Suite struct HTMLReportTests {
    @Test func selfContainedWithChartsAndEscaping() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A document that tries to inject markup through the data.
        let evil = dir.appendingPathComponent("evil.jsonl")
        let line = #"{"text":"<script>alert(1)</script> <img src=http://x.test/a.png> \u202E tail"}"#
        try Data((line + "\n" + line + "\n").utf8).write(to: evil)
        let r = try Auditor(options: AuditOptions(inputs: [evil.path, Fixture.path("planted.jsonl")], inputFormat: .jsonl)).run()
        let html = HTMLReport.render(r)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;"))
        // No network: nothing is loaded (no src/href attributes, CSS url() or @import, no <link>).
        for needle in ["src=\"", "src='", "href=", "url(", "@import", "<link", "<iframe", "<object"] {
            #expect(!html.contains(needle), "HTML contains \(needle)")
        }
        #expect(html.contains("<svg"))
        #expect(html.contains("@media print"))
        for id in ["summary", "findings", "distributions", "scripts", "duplicates", "pii", "frequent"] {
            #expect(html.contains("<section id=\"\(id)\""))
        }
        // The planted JSONL read as `jsonl` has no "text" field: every line is a malformed record, counted.
        #expect(r.volume.malformedRecords == 39)
        #expect(r.duplicates.exactDuplicates == 1)
    }

    @Test func histogramSVGHasOneBarPerBin() {
        var d = Distribution()
        for v in [1, 2, 2, 3, 3, 3, 10] { d.add(v) }
        let svg = SVGChart.histogram(d.summary(bins: 10), title: "t")
        #expect(svg.components(separatedBy: "class=\"bar\"").count - 1 == 10)
        #expect(svg.contains("p50 3"))
    }
}
