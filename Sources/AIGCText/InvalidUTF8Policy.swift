import AIGCCore
/// What to do with bytes that are not valid UTF-8: the one policy of every API and command that reads text
/// (`--invalid-utf8 replace|skip|fail` in `normalize`, `corpus build` and `train-tokenizer`).
public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// Replace each maximal invalid subpart with U+FFFD and count it.
    case replace
    /// Leave out what holds invalid UTF-8 and count it: the record (corpus build), the line (tokenizer training);
    /// where the whole input is one text (normalizing), the invalid subparts themselves.
    case skip
    /// Stop with an error naming the file, line or byte offset.
    case fail

    /// Older spellings, still accepted wherever a policy is read: `drop` (the corpus builder's name for `skip`).
    public static let aliases: [String: InvalidUTF8Policy] = ["drop": .skip]

    /// The policy named `name` (a case name or an alias), or nil.
    public init?(name: String) {
        guard let p = InvalidUTF8Policy(rawValue: name) ?? Self.aliases[name] else { return nil }
        self = p
    }

    /// The accepted names, for messages: `replace, skip, fail (or drop for skip)`.
    public static var namesForMessages: String {
        allCases.map(\.rawValue).joined(separator: ", ") + " (or " + aliases.keys.sorted().map { "\($0) for \(aliases[$0]!.rawValue)" }.joined(separator: ", ") + ")"
    }
}

extension InvalidUTF8Policy: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let p = InvalidUTF8Policy(name: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid_utf8 is \(s.debugDescription); expected \(Self.namesForMessages)")
        }
        self = p
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

public struct InvalidUTF8Error: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset of the first invalid byte, from the start of the whole input.
    public var offset: Int
    public var source: String
    public init(offset: Int, source: String = "") { self.offset = offset; self.source = source }
    public var description: String {
        (source.isEmpty ? "" : "\(source): ") + "invalid UTF-8 at byte offset \(offset)"
    }
}

extension UTF8Bytes {
    /// Validates `input`; with `.replace`, returns the repaired bytes (U+FFFD per maximal invalid subpart) and the
    /// number of replacements; with `.skip`, the bytes without the invalid subparts and their number; with `.fail`, throws `InvalidUTF8Error` at the first invalid byte. `baseOffset` is
    /// added to reported offsets (for streamed chunks). `origin` receives, per output byte, its input offset.
    public static func repair(
        _ input: UnsafeBufferPointer<UInt8>, policy: InvalidUTF8Policy, baseOffset: Int = 0, source: String = "",
        origin: inout [Int]?
    ) throws -> (bytes: [UInt8], replacements: Int)? {
        // Fast scan: nil means the input is valid as is (no copy needed).
        guard let firstBad = firstInvalid(input) else { return nil }
        let n = input.count
        if policy == .fail { throw InvalidUTF8Error(offset: baseOffset + firstBad, source: source) }
        var out: [UInt8] = []
        out.reserveCapacity(n + 16)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<firstBad]))
        var newOrigin: [Int]? = nil
        if let o = origin { newOrigin = Array(o[0..<firstBad]); newOrigin!.reserveCapacity(n + 16) }
        var count = 0
        var i = firstBad
        while i < n {
            let (ok, len) = validSequenceLength(input, at: i)
            if ok {
                for k in 0..<len { out.append(input[i + k]); newOrigin?.append(origin![i + k]) }
            } else {
                if policy == .replace {
                    out.append(0xEF); out.append(0xBF); out.append(0xBD)
                    if newOrigin != nil { let o = origin![i]; newOrigin!.append(o); newOrigin!.append(o); newOrigin!.append(o) }
                }
                count += 1
            }
            i += len
        }
        origin = newOrigin
        return (out, count)
    }
}
