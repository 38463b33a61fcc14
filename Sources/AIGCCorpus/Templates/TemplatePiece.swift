/// One piece of a rendered conversation: text to encode, or a special token by name; whether its tokens are
/// trained; and which turn it belongs to (for truncation at turn boundaries).
public enum TemplatePiece: Sendable, Equatable {
    case text([UInt8], trained: Bool, turn: Int)
    /// Template text that never changes (role headers, separators): tokenized once per renderer.
    case fixed(FixedText, trained: Bool, turn: Int)
    case special(String, trained: Bool, turn: Int)
}

/// A template's fixed text (`ChatTemplate.fixedTexts`): static bytes and their position in that list, so a renderer
/// finds its ids by index. No reference is counted per piece: the build renders on every thread at once, and the
/// shared arrays these pieces held made their reference counts a cache line the threads fought over.
public struct FixedText: Sendable, Equatable, CustomStringConvertible {
    public let text: StaticString
    /// Position in the template's `fixedTexts`.
    public let index: Int

    public var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }
    public var description: String { String(decoding: bytes, as: UTF8.self).debugDescription }

    public static func == (a: FixedText, b: FixedText) -> Bool { a.index == b.index && a.bytes.elementsEqual(b.bytes) }
}
