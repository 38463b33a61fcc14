/// A record's drop: reason and a message naming the problem.
struct Rejection: Sendable {
    var reason: DropReason
    var message: String
}

/// Stage 2 (per record, in parallel): band keys for near dedup and the rendered document, or why the document
/// cannot be kept (length limits) — applied after near dedup so the dedup state matches any sharding.
struct RenderedRecord: Sendable {
    var bands: [UInt64]?
    var document: TokenizedDocument?
    var lengthRejection: Rejection?
    var truncated: Bool
}
