import AIGCCore

/// Decodes ids one at a time (e.g. while a model generates) into text that never contains a broken UTF-8
/// sequence: bytes of an incomplete trailing sequence are held until the next ids complete it; bytes that can
/// never become valid are emitted as U+FFFD at once. `finish()` flushes what is held (as U+FFFD).
public struct StreamingDecoder: Sendable {
    public let tokenizer: Tokenizer
    var pending: [UInt8] = []

    public init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// Adds ids; returns the text that became complete. Unknown ids are skipped.
    public mutating func add(_ ids: [UInt32]) -> String {
        for id in ids { _ = tokenizer.appendBytes(id, to: &pending) }
        let cut = pending.withUnsafeBufferPointer { UTF8Bytes.completePrefixLength($0) }
        if cut == 0 { return "" }
        let s = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return s
    }

    public mutating func add(_ id: UInt32) -> String { add([id]) }

    /// Emits whatever is held (an incomplete sequence becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }
}
