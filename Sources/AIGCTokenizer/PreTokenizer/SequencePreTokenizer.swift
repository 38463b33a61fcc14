import AIGCCore

/// HF `Sequence` of pre-tokenizers: each one splits the pieces the previous produced.
public struct SequencePreTokenizer: PreTokenizer {
    public let stages: [any PreTokenizer]

    public init(_ stages: [any PreTokenizer]) { self.stages = stages }

    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var pieces: [Range<Int>] = text.isEmpty ? [] : [0..<text.count]
        for stage in stages {
            var next: [Range<Int>] = []
            next.reserveCapacity(pieces.count * 2)
            for r in pieces {
                stage.split(UnsafeBufferPointer(rebasing: text[r])) { sub in
                    next.append((r.lowerBound + sub.lowerBound)..<(r.lowerBound + sub.upperBound))
                }
            }
            pieces = next
        }
        for r in pieces { body(r) }
    }

    public var failure: AIGCError? { stages.lazy.compactMap(\.failure).first }
}

/// A pre-tokenizer that keeps the whole text as one piece (HF `ByteLevel(use_regex: false)` alone).
public struct WholeTextPreTokenizer: PreTokenizer {
    public init() {}
    public func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        if !text.isEmpty { body(0..<text.count) }
    }
}

/// A known pattern's scanner used as one HF `Split(behavior: Isolated)` stage.
struct ScannerStage: PreTokenizer {
    let inner: any PreTokenizer
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) { inner.split(text, body) }
    var failure: AIGCError? { inner.failure }
}
