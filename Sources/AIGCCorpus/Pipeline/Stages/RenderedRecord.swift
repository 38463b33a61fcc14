/// A survivor of the lookahead dedup after the parallel stages: its MinHash band keys (`MinHashStage`) and its
/// rendered, tokenized document (`RenderStage`), or why the document cannot be kept (length limits) — applied by
/// `PackStage` after near dedup, so the dedup state is the same under any sharding.
struct RenderedRecord: Sendable {
    var bands: [UInt64]
    var document: TokenizedDocument?
    var lengthRejection: Rejection?
    var truncated: Bool
}
