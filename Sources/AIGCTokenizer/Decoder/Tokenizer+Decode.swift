import AIGCCore
import AIGCText

extension Tokenizer {
    /// The bytes of one token id (ordinary or special), or nil for an unknown id.
    public func tokenBytes(_ id: UInt32) -> [UInt8]? {
        if let b = model.bytes(of: id) { return b }
        return specialBytesOf(id)
    }

    func specialBytesOf(_ id: UInt32) -> [UInt8]? { specialBytes[id] }

    /// Appends the bytes of `id`; false for an unknown id.
    @inline(__always) func appendBytes(_ id: UInt32, to out: inout [UInt8]) -> Bool {
        let t = core.model.table
        if Int(id) < t.idCount && t.present[Int(id)] {
            out.append(contentsOf: t.key(Int(id)))
            return true
        }
        if let b = specialBytes[id] { out.append(contentsOf: b); return true }
        return false
    }

    /// Decodes ids to bytes. Unknown ids are skipped (use `decodeBytes` to have them reported).
    public func decode(_ ids: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids { _ = appendBytes(id, to: &out) }
        return out
    }

    /// Decodes ids to bytes; an unknown id is an error naming its position.
    public func decodeBytes(_ ids: some Collection<UInt32>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for (k, id) in ids.enumerated() where !appendBytes(id, to: &out) {
            throw AIGCError.input(location: "token \(k)", message: "unknown token id \(id) (vocabulary size \(vocabularySize))")
        }
        return out
    }

    /// Decodes ids to a String. Lossy (default): invalid UTF-8 becomes U+FFFD, as tiktoken's `decode` and HF do.
    /// Strict: invalid UTF-8 is an error naming the byte offset. Unknown ids are errors either way.
    public func decodeString(_ ids: [UInt32], strict: Bool = false) throws -> String {
        let b = try decodeBytes(ids)
        if strict {
            if let i = b.withUnsafeBufferPointer({ UTF8Bytes.firstInvalid($0) }) {
                throw AIGCError.input(location: "byte \(i)", message: "decoded bytes are not valid UTF-8")
            }
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// Each token's byte range in `text` for `encodeOrdinary(text)` (through the normalizer, when there is one:
    /// ranges are then in the original text, and tokens inside a changed span share its range). A normalizer
    /// failure gives no ids and is thrown by `checkPreTokenizer()`, as for `encodeOrdinary`.
    public func encodeWithOffsets(_ text: String) -> (ids: [UInt32], offsets: [Range<Int>]) {
        let original = Array(text.utf8)
        guard let normalized = normalizedOrRecorded(original, trackOffsets: true) else { return ([], []) }
        let ids = normalized.bytes.withUnsafeBufferPointer { encodeNormalized($0) }
        var offsets: [Range<Int>] = []
        offsets.reserveCapacity(ids.count)
        // With add_prefix_space the first token may carry the added space, which maps to offset 0.
        var pos = 0
        let added = core.hf.addPrefixSpace && normalized.bytes.first != 0x20 && !normalized.bytes.isEmpty ? 1 : 0
        for id in ids {
            let len = tokenBytes(id)?.count ?? 0
            let a = max(0, pos - added), b = max(0, pos + len - added)
            let lo = normalized.originalOffset(min(a, normalized.bytes.count)) ?? original.count
            let hi = normalized.originalOffset(min(b, normalized.bytes.count)) ?? original.count
            offsets.append(min(lo, hi)..<max(lo, hi))
            pos += len
        }
        return (ids, offsets)
    }

    /// Byte offsets into `text` of each token of `encodeOrdinary(text)`.
    public func offsets(_ text: String) -> [Range<Int>] { encodeWithOffsets(text).offsets }
}
