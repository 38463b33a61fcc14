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
        let cut = StreamingDecoder.completeLength(pending)
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

    /// Length of the prefix that can be emitted now: all but a trailing sequence that is a valid, incomplete
    /// prefix of a UTF-8 sequence.
    static func completeLength(_ b: [UInt8]) -> Int {
        let n = b.count
        var i = n - 1
        var cont = 0
        while i >= 0 && cont < 3 && b[i] & 0xC0 == 0x80 { i -= 1; cont += 1 }
        guard i >= 0 else { return n }
        let lead = b[i]
        let need: Int
        switch lead {
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return n
        }
        if cont + 1 >= need { return n }
        // Check the held continuation bytes are allowed after this lead (else it can never complete).
        if cont >= 1 {
            let b1 = b[i + 1]
            let (lo, hi): (UInt8, UInt8) = lead == 0xE0 ? (0xA0, 0xBF) : lead == 0xED ? (0x80, 0x9F)
                : lead == 0xF0 ? (0x90, 0xBF) : lead == 0xF4 ? (0x80, 0x8F) : (0x80, 0xBF)
            if b1 < lo || b1 > hi { return n }
        }
        return i
    }
}
