import AIGCCore

/// A toy tokenizer: one id per byte (0–255), special tokens from 256 up. Exact and trivially invertible, so tests
/// can check masks and packing without a real vocabulary; also handy for byte-level models.
public struct ByteLevelTokenizer: CorpusTokenizer {
    public let specialTokens: [String: UInt32]

    public init(specialTokens: [String] = ["<|endoftext|>"]) {
        var s: [String: UInt32] = [:]
        for t in specialTokens where s[t] == nil { s[t] = UInt32(256 + s.count) }
        self.specialTokens = s
    }

    private init(map: [String: UInt32]) { specialTokens = map }

    public var name: String { "bytes" }
    public var sha256: String {
        SHA256.hash(Array(specialTokens.sorted { $0.value < $1.value }.map(\.key).joined(separator: "\n").utf8))
    }
    public var vocabularySize: Int { 256 + specialTokens.count }

    public func withSpecialTokens(_ tokens: [String]) throws -> ByteLevelTokenizer {
        var s = specialTokens
        var next = UInt32(vocabularySize)
        for t in tokens where s[t] == nil { s[t] = next; next += 1 }
        return ByteLevelTokenizer(map: s)
    }

    public func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] { bytes.map { UInt32($0) } }

    public func decode(_ ids: [UInt32]) -> [UInt8] {
        let inverse = Dictionary(uniqueKeysWithValues: specialTokens.map { ($0.value, $0.key) })
        var out: [UInt8] = []
        for id in ids {
            if id < 256 { out.append(UInt8(id)) } else if let s = inverse[id] { out.append(contentsOf: s.utf8) }
        }
        return out
    }
}
