/// Train or validation, chosen by a stable hash of each record's content (`ContentHash.unitInterval`).
public enum Split: String, Sendable, Codable, CaseIterable {
    case train, val
}
