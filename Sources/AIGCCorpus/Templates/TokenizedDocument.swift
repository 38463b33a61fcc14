/// A record rendered and tokenized: ids, a per-token trained flag, and where turns end (token index after the
/// last token of each turn), for truncation at whole turns.
public struct TokenizedDocument: Sendable, Equatable {
    public var ids: [UInt32]
    /// 1 = trained (label = id), 0 = not trained (label = -100).
    public var mask: [UInt8]
    public var turnEnds: [Int]

    public init(ids: [UInt32] = [], mask: [UInt8] = [], turnEnds: [Int] = []) {
        self.ids = ids
        self.mask = mask
        self.turnEnds = turnEnds
    }

    public var count: Int { ids.count }
    public var trainedCount: Int { mask.reduce(0) { $0 + Int($1) } }

    /// Keeps the longest prefix of whole turns that fits `limit` tokens and still trains on something; when no
    /// such prefix exists (the first turns alone are longer), cuts at `limit` tokens. Nil when nothing trained
    /// would remain.
    public func truncated(to limit: Int) -> TokenizedDocument? {
        if ids.count <= limit { return self }
        var best = 0
        for e in turnEnds where e <= limit { best = e }
        var cut = best
        if cut == 0 || !mask[0..<cut].contains(1) { cut = limit }
        guard mask[0..<cut].contains(1) else { return nil }
        return TokenizedDocument(ids: Array(ids[0..<cut]), mask: Array(mask[0..<cut]), turnEnds: turnEnds.filter { $0 <= cut })
    }
}
