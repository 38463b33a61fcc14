/// Records with invalid UTF-8: drop them (reason `invalid_utf8`, the default) or keep them with U+FFFD.
public enum InvalidUTF8Handling: String, Sendable, Codable, CaseIterable {
    case drop, replace
}
