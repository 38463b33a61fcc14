/// How documents become fixed-length rows.
public enum PackingMode: String, Sendable, Codable, CaseIterable {
    /// Greedy, in order: documents are appended to the current row while they fit; `position_ids` restart at 0 and
    /// `segment_ids` count 1…k per document; the rest of a row is padding (segment 0, label −100).
    case pack
    /// One document per row, padded.
    case pad
    /// One token stream (documents end with end-of-text), cut into rows; positions run 0…L−1 in each row.
    case concat
}
