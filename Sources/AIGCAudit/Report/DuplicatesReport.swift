/// Exact and near duplicates, found on normalized text.
public struct DuplicatesReport: Codable, Sendable, Equatable {
    /// Documents equal, after normalization, to an earlier one.
    public var exactDuplicates: UInt64 = 0
    /// Documents beyond the first in each MinHash near-duplicate cluster (exact duplicates not included).
    public var nearDuplicates: UInt64 = 0
    /// Clusters (exact or near) with at least two documents.
    public var clusters: UInt64 = 0
    public var shingleSize: Int = 5
    public var bands: Int = 14
    public var rows: Int = 8
    public var largestClusters: [DuplicateCluster] = []

    enum CodingKeys: String, CodingKey {
        case exactDuplicates = "exact_duplicates", nearDuplicates = "near_duplicates", clusters
        case shingleSize = "shingle_size", bands, rows, largestClusters = "largest_clusters"
    }
}

/// A cluster of duplicates: its size (exact + near members, including the first document), where the first
/// document is, and a few other members.
public struct DuplicateCluster: Codable, Sendable, Equatable {
    public var size: UInt64
    public var exact: UInt64
    public var near: UInt64
    public var first: FindingExample
    public var members: [String]
}
