/// Which special tokens `encode` recognizes in the text (tiktoken's `allowed_special`).
public enum SpecialTokenPolicy: Sendable, Equatable {
    /// None: special-token text is either an error or ordinary text (see `DisallowedSpecialPolicy`).
    case none
    /// Every special token of the tokenizer.
    case all
    /// Only these.
    case some(Set<String>)

    @inlinable public func allows(_ token: String) -> Bool {
        switch self {
        case .none: return false
        case .all: return true
        case .some(let s): return s.contains(token)
        }
    }
}

/// What `encode` does with a special token's text that is not allowed (tiktoken's `disallowed_special`).
public enum DisallowedSpecialPolicy: Sendable, Equatable {
    /// tiktoken's default: an error naming the token and its byte offset.
    case error
    /// Encode it as ordinary text.
    case encodeAsText
}
