/// What to do with a document longer than `seq_len` in `pack`/`pad` packing.
public enum OverlongPolicy: String, Sendable, Codable, CaseIterable {
    /// Drop it (counted as `overlong`).
    case drop
    /// Keep whole turns from the start that fit (or cut at `seq_len` when even the first turns do not fit).
    case truncate
}
