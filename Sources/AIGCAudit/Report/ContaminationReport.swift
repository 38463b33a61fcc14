/// Overlap with evaluation sets (`--against`): documents sharing at least one `ngram`-gram of words with an
/// evaluation item (items shorter than `ngram` words but at least 8 match as a whole).
public struct ContaminationReport: Codable, Sendable, Equatable {
    public var against: [String] = []
    public var ngram: Int = 13
    public var evalItems: UInt64 = 0
    public var contaminatedDocuments: UInt64 = 0
    /// Evaluation items hit, in order of first hit, with how many documents hit them.
    public var itemsHit: [ContaminatedItem] = []
    /// Number of distinct evaluation items hit (`items_hit` lists at most a few hundred).
    public var distinctItemsHit: UInt64 = 0

    enum CodingKeys: String, CodingKey {
        case against, ngram, evalItems = "eval_items", contaminatedDocuments = "contaminated_documents"
        case itemsHit = "items_hit", distinctItemsHit = "distinct_items_hit"
    }
}

public struct ContaminatedItem: Codable, Sendable, Equatable {
    /// `eval-file:line` of the item.
    public var item: String
    public var excerpt: String
    public var documents: UInt64
    public var firstDocument: String

    enum CodingKeys: String, CodingKey { case item, excerpt, documents, firstDocument = "first_document" }
}
