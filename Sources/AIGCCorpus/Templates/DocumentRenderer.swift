import AIGCCore
import AIGCTokenizer

/// Renders records with a chat template and a tokenizer into `TokenizedDocument`s. Special token ids are resolved
/// once (the tokenizer already holds the template's specials, added by `prepare`).
public struct DocumentRenderer<T: CorpusTokenizer>: Sendable {
    public let tokenizer: T
    public let template: ChatTemplate
    public let specialIDs: [String: UInt32]
    public let endOfText: UInt32
    /// Token ids of the template's fixed texts, concatenated; `fixedEnds[k]` ends those of `fixedTexts[k]`. Flat,
    /// so appending them retains no array that every rendering thread shares.
    let fixedIDs: [UInt32]
    let fixedEnds: [Int]

    /// Adds the template's special tokens to the tokenizer when missing.
    public init(tokenizer base: T, template: ChatTemplate) throws {
        let t = try base.withSpecialTokens(template.specialTokens)
        tokenizer = t
        self.template = template
        var ids: [String: UInt32] = [:]
        for name in template.specialTokens {
            guard let id = t.specialTokens[name] else {
                throw AIGCError.usage("tokenizer \(t.name) has no special token \(name) and could not add it")
            }
            ids[name] = id
        }
        specialIDs = ids
        guard let eot = ids[ChatTemplate.endOfText] else { throw AIGCError.usage("no end-of-text token") }
        endOfText = eot
        var fixed: [UInt32] = [], ends: [Int] = []
        for f in template.fixedTexts {
            fixed += t.encodeOrdinary(bytes: f.bytes)
            ends.append(fixed.count)
        }
        fixedIDs = fixed
        fixedEnds = ends
        specialList = ids.map { ($0.key, $0.value) }
    }

    /// `specialIDs` as a short list: a template has at most a handful, and comparing a few short names costs less
    /// than hashing one per piece (SipHash of the name was ~4% of a build's CPU).
    private let specialList: [(String, UInt32)]

    /// Appends the ids of a fixed text (tokenized at `init`).
    @inline(__always) private func appendFixedTextIDs(_ f: FixedText, to ids: inout [UInt32]) {
        let a = f.index == 0 ? 0 : fixedEnds[f.index - 1]
        let b = fixedEnds[f.index]
        fixedIDs.withUnsafeBufferPointer { ids.append(contentsOf: UnsafeBufferPointer(rebasing: $0[a..<b])) }
    }

    @inline(__always) private func specialID(_ name: String) -> UInt32? {
        for i in specialList.indices where specialList[i].0 == name { return specialList[i].1 }
        return nil
    }

    /// Conversations go through the template; documents are encoded whole and end with end-of-text (trained).
    /// Pre-specialized for the built-in tokenizer: the build calls it through generic code from another module,
    /// which ran it unspecialized (instantiating its closures' generic metadata on every record, 1.5% of a build).
    @_specialize(where T == Tokenizer)
    public func render(_ record: Record, trainOnPrompt: Bool = false) -> TokenizedDocument {
        var doc = TokenizedDocument()
        switch record {
        case .document(let text):
            doc.ids = text.withUnsafeBufferPointer { tokenizer.encodeOrdinary(bytes: $0) }
            doc.ids.append(endOfText)
            doc.mask = [UInt8](repeating: 1, count: doc.ids.count)
            doc.turnEnds = [doc.ids.count]
        case .conversation(let turns):
            let capacity = turns.reduce(0) { $0 + $1.content.count / 3 } + 8 * turns.count
            doc.ids.reserveCapacity(capacity)
            doc.mask.reserveCapacity(capacity)
            var currentTurn = 0
            tokenizer.withOrdinaryEncoder { encode in
                template.forEachPiece(turns, trainOnPrompt: trainOnPrompt) { piece in
                    switch piece {
                    case .text(let bytes, let trained, let turn):
                        if turn != currentTurn { doc.turnEnds.append(doc.ids.count); currentTurn = turn }
                        if bytes.isEmpty { return }
                        let from = doc.ids.count
                        bytes.withUnsafeBufferPointer { encode($0, &doc.ids) }
                        doc.mask.append(contentsOf: repeatElement(trained ? 1 : 0, count: doc.ids.count - from))
                    case .fixed(let text, let trained, let turn):
                        if turn != currentTurn { doc.turnEnds.append(doc.ids.count); currentTurn = turn }
                        let from = doc.ids.count
                        appendFixedTextIDs(text, to: &doc.ids)
                        doc.mask.append(contentsOf: repeatElement(trained ? 1 : 0, count: doc.ids.count - from))
                    case .special(let name, let trained, let turn):
                        if turn != currentTurn { doc.turnEnds.append(doc.ids.count); currentTurn = turn }
                        doc.ids.append(specialID(name) ?? endOfText)
                        doc.mask.append(trained ? 1 : 0)
                    }
                }
            }
            doc.turnEnds.append(doc.ids.count)
        }
        return doc
    }
}
