/// Stages "render" and "tokenize/mask", per record on all threads: the chat template turns a cleaned record into
/// pieces and `DocumentRenderer` tokenizes them with their loss mask (`TokenizedDocument`); then the length rules
/// (`minTokens`, `maxTokens`, `seqLen` with the overlong policy), whose verdict `PackStage` applies after near
/// dedup, so the dedup state is the same under any sharding.
struct RenderStage<T: CorpusTokenizer>: Sendable {
    let options: CorpusBuildOptions
    let renderer: DocumentRenderer<T>

    /// The rendered record, with `bands` (computed by `MinHashStage`) carried along.
    func render(_ c: RecordCleaner.Cleaned, bands: [UInt64]) -> RenderedRecord {
        var doc = renderer.render(c.record, trainOnPrompt: options.trainOnPrompt)
        let stream = !options.outputFormat.isRowFormat || options.effectivePacking == .concat
        if stream, case .conversation = c.record, doc.ids.last != renderer.endOfText {
            // Token streams need a document boundary; the end-of-text after a conversation is not trained.
            doc.ids.append(renderer.endOfText)
            doc.mask.append(0)
            if !doc.turnEnds.isEmpty { doc.turnEnds[doc.turnEnds.count - 1] = doc.ids.count }
        }
        var truncated = false
        var rejection: Rejection? = nil
        if doc.trainedCount == 0 {
            rejection = Rejection(reason: .noTrainedTokens, message: "no trained tokens (all assistant turns have weight 0)")
        } else if doc.count < options.minTokens {
            rejection = Rejection(reason: .tooShort, message: "\(doc.count) tokens < CorpusBuildOptions.minTokens \(options.minTokens)")
        } else if let mx = options.maxTokens, doc.count > mx {
            rejection = Rejection(reason: .tooLong, message: "\(doc.count) tokens > CorpusBuildOptions.maxTokens \(mx)")
        } else if options.outputFormat.isRowFormat && options.effectivePacking != .concat && doc.count > options.seqLen {
            if options.overlong == .truncate, let t = doc.truncated(to: options.seqLen) {
                doc = t
                truncated = true
            } else {
                rejection = Rejection(reason: .overlong, message: "\(doc.count) tokens > CorpusBuildOptions.seqLen \(options.seqLen)")
            }
        }
        return RenderedRecord(bands: bands, document: rejection == nil ? doc : nil, lengthRejection: rejection, truncated: truncated)
    }
}
