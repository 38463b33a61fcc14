/// How much data there is. `documents` are the records audited (conversations or plain documents); records that
/// could not be parsed are counted in `malformed_records` and nowhere else.
public struct VolumeReport: Codable, Sendable, Equatable {
    public var recordsIn: UInt64 = 0
    public var malformedRecords: UInt64 = 0
    public var documents: UInt64 = 0
    public var turns: UInt64 = 0
    public var bytes: UInt64 = 0
    public var chars: UInt64 = 0
    public var words: UInt64 = 0
    /// 0 without `--tokenizer`.
    public var tokens: UInt64 = 0
    /// Per dialogue role (`system`, `user`, `assistant`); `text` for plain documents.
    public var perRole: [String: RoleVolume] = [:]

    enum CodingKeys: String, CodingKey {
        case recordsIn = "records_in", malformedRecords = "malformed_records", documents, turns, bytes, chars, words,
             tokens, perRole = "per_role"
    }
}

public struct RoleVolume: Codable, Sendable, Equatable {
    public var turns: UInt64 = 0
    public var bytes: UInt64 = 0
    public var chars: UInt64 = 0
    public var tokens: UInt64 = 0

    public mutating func add(_ o: RoleVolume) { turns += o.turns; bytes += o.bytes; chars += o.chars; tokens += o.tokens }
}
