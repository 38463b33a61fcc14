/// One personal-data match: its kind and byte range in the scanned text.
public struct PIIMatch: Sendable, Equatable {
    public var kind: PIIKind
    public var range: Range<Int>
    public init(kind: PIIKind, range: Range<Int>) { self.kind = kind; self.range = range }
}
