/// Kinds of personal data the scrubber replaces. Raw values are the keys of `pii` in the manifest (and the
/// audit's report).
public enum PIIKind: String, Sendable, Codable, CaseIterable {
    case email
    case phone
    case ip
    case creditCard = "credit_card"

    /// The placeholder written in place of a match.
    public var placeholder: String {
        switch self {
        case .email: return "<EMAIL>"
        case .phone: return "<PHONE>"
        case .ip: return "<IP_ADDRESS>"
        case .creditCard: return "<CREDIT_CARD>"
        }
    }
}
