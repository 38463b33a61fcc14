import AIGCCore
/// What to do with bytes that are not valid UTF-8.
public enum InvalidUTF8Policy: String, Sendable, Codable, CaseIterable {
    /// Replace each maximal invalid subpart with U+FFFD and count it (the default).
    case replace
    /// Stop with an error naming the byte offset.
    case fail
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
    /// number of replacements; with `.fail`, throws `InvalidUTF8Error` at the first invalid byte. `baseOffset` is
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
                out.append(0xEF); out.append(0xBF); out.append(0xBD)
                if newOrigin != nil { let o = origin![i]; newOrigin!.append(o); newOrigin!.append(o); newOrigin!.append(o) }
                count += 1
            }
            i += len
        }
        origin = newOrigin
        return (out, count)
    }
}
