/// Where a finding occurs (`file:line`) and a short excerpt with invisible characters made visible (`⟨U+202E⟩`)
/// and personal data redacted.
public struct FindingExample: Codable, Sendable, Equatable {
    public var location: String
    public var excerpt: String
    public init(location: String, excerpt: String) { self.location = location; self.excerpt = excerpt }
}

/// One kind of problem found, with how many documents (or occurrences, see `unit`) and the first few examples.
public struct Finding: Codable, Sendable, Equatable {
    /// Stable identifier, e.g. `bidi`, `invalid_utf8`, `exact_duplicate` (docs/audit.md lists them all).
    public var kind: String
    /// `error` (will hurt training or is a security issue), `warning`, or `info`.
    public var severity: String
    public var count: UInt64
    /// `documents`, `turns` or `occurrences`.
    public var unit: String
    public var message: String
    public var examples: [FindingExample]
}
