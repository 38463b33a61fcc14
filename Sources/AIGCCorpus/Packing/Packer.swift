import AIGCFormats

/// Turns documents into rows (see `PackingMode`). Labels follow the Hugging Face convention: aligned with
/// `input_ids` (the model shifts), −100 where not trained. Padding uses the end-of-text id, label −100,
/// position 0, segment 0. Deterministic: rows depend only on the order of documents.
public struct Packer: Sendable, Codable, Equatable {
    public static let ignoreIndex: Int32 = -100
    public let mode: PackingMode
    public let seqLen: Int
    public let padID: Int32
    /// The row being filled.
    public private(set) var current: RowBlock
    private var segment: Int32 = 0
    public private(set) var stats = DatasetManifest.SplitStats()

    public init(mode: PackingMode, seqLen: Int, padID: UInt32) {
        self.mode = mode
        self.seqLen = max(1, seqLen)
        self.padID = Int32(bitPattern: padID)
        current = RowBlock(seqLen: self.seqLen)
    }

    /// Tokens in the unfinished row.
    public var pending: Int { current.inputIDs.count }

    /// Adds a document (for `pack`/`pad` it must fit `seqLen`: the caller truncates or drops first); complete rows
    /// are appended to `out`.
    public mutating func add(_ doc: TokenizedDocument, into out: inout RowBlock) {
        stats.documents += 1
        stats.tokens += doc.count
        stats.trainedTokens += doc.trainedCount
        switch mode {
        case .pack, .pad:
            if pending > 0 && (mode == .pad || pending + doc.count > seqLen) { closeRow(into: &out) }
            segment += 1
            append(doc, range: 0..<min(doc.count, seqLen), position0: 0)
            if pending == seqLen { closeRow(into: &out) }
        case .concat:
            var start = 0
            while start < doc.count {
                if pending == 0 { segment = 1 }
                let take = min(doc.count - start, seqLen - pending)
                append(doc, range: start..<(start + take), position0: Int32(pending))
                start += take
                if pending == seqLen { closeRow(into: &out) }
            }
        }
    }

    /// A whole run of tokens per tensor at once (one capacity check each, a copy, a masked copy and two fills)
    /// instead of four checked appends per token, which were ~4% of a build's CPU on the serial packing thread.
    private mutating func append(_ doc: TokenizedDocument, range: Range<Int>, position0: Int32) {
        if range.isEmpty { return }
        let pos = mode == .concat ? position0 : 0
        let n = Int32(range.count)
        doc.ids.withUnsafeBufferPointer { all in
            let ids = UnsafeBufferPointer(rebasing: all[range])
            ids.withMemoryRebound(to: Int32.self) { current.inputIDs.append(contentsOf: $0) }
            doc.mask.withUnsafeBufferPointer { mask in
                let m = UnsafeBufferPointer(rebasing: mask[range])
                current.labels.append(contentsOf: (0..<ids.count).lazy.map {
                    m[$0] != 0 ? Int32(bitPattern: ids[$0]) : Self.ignoreIndex
                })
            }
        }
        current.positionIDs.append(contentsOf: pos..<(pos + n))
        current.segmentIDs.append(contentsOf: repeatElement(segment, count: range.count))
    }

    private mutating func closeRow(into out: inout RowBlock) {
        let pad = seqLen - pending
        if pad > 0 {
            stats.paddingTokens += pad
            current.inputIDs.append(contentsOf: repeatElement(padID, count: pad))
            current.labels.append(contentsOf: repeatElement(Self.ignoreIndex, count: pad))
            current.positionIDs.append(contentsOf: repeatElement(0, count: pad))
            current.segmentIDs.append(contentsOf: repeatElement(0, count: pad))
        }
        out.inputIDs.append(contentsOf: current.inputIDs)
        out.labels.append(contentsOf: current.labels)
        out.positionIDs.append(contentsOf: current.positionIDs)
        out.segmentIDs.append(contentsOf: current.segmentIDs)
        current.removeAll()
        segment = 0
        stats.rows += 1
    }

    /// Pads and emits the unfinished row, if any.
    public mutating func flush(into out: inout RowBlock) {
        if pending > 0 { closeRow(into: &out) }
    }
}
