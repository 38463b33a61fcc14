import Foundation
extension AuditReport {
    /// One line for stderr after a run.
    public var summaryLine: String {
        if let c = corpus {
            return "audit: \(c.directory): \(c.splits.map { "\($0.split) \($0.rows) rows" }.joined(separator: ", ")); trained-token fraction \(String(format: "%.3f", c.trainedTokenFraction)), padding waste \(String(format: "%.3f", c.paddingWaste)), label sanity \(c.labelSanity.ok ? "ok" : "FAILED")"
        }
        let problems = findings.map { "\($0.kind)=\($0.count)" }.joined(separator: " ")
        return "audit: \(volume.documents) documents, \(volume.bytes) bytes, \(volume.tokens) tokens; \(findings.isEmpty ? "no findings" : problems)"
    }
}
