/// Personal data occurrences, by kind, found on normalized text with the corpus builder's scrubber.
public struct PIIReport: Codable, Sendable, Equatable {
    public var email: UInt64 = 0
    public var phone: UInt64 = 0
    public var ip: UInt64 = 0
    public var creditCard: UInt64 = 0
    /// Documents with at least one occurrence.
    public var documents: UInt64 = 0
    /// A few occurrences per kind, redacted (`j•••@e•••.com`).
    public var examples: [PIIExample] = []

    enum CodingKeys: String, CodingKey { case email, phone, ip, creditCard = "credit_card", documents, examples }
}

public struct PIIExample: Codable, Sendable, Equatable {
    public var kind: String
    public var location: String
    public var redacted: String
}
