/// The toolkit's user-facing errors. Every message names where the problem is (file, line, byte offset) when
/// there is a where; the CLI prints `description` on one line and exits non-zero.
public enum AIGCError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Bad input data at a location, e.g. `corpus.jsonl:17: expected a JSON object`.
    case input(location: String, message: String)
    /// Bad option or configuration.
    case usage(String)
    /// File-system or I/O failure.
    case io(String)
    /// Unsupported feature in an input file (e.g. an unknown HF normalizer type).
    case unsupported(String)

    public var description: String {
        switch self {
        case .input(let location, let message): return location.isEmpty ? message : "\(location): \(message)"
        case .usage(let m): return m
        case .io(let m): return m
        case .unsupported(let m): return m
        }
    }
}
