/// Totals of the counting pass, reported in `training.json`. Every input line is either counted or skipped.
public struct PreTokenCountingStats: Sendable, Equatable, Codable {
    public var bytes: Int = 0
    public var lines: Int = 0
    /// Lines skipped because they are not valid UTF-8 (policy `.skip`).
    public var invalidLinesSkipped: Int = 0
    /// Lines counted with U+FFFD in place of invalid UTF-8 (policy `.replace`).
    public var invalidLinesReplaced: Int = 0
    /// The first few skipped lines as `file:line (byte offset N)`, for the warning.
    public var invalidExamples: [String] = []
    public init() {}
}
