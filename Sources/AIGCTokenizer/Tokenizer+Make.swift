import AIGCCore

extension Tokenizer {
    /// A tokenizer from a model built in code (e.g. by the BPE trainer): `BPEModel(vocabulary:merges:ignoreMerges:)`
    /// for HF merge rules or `BPEModel(ranks:)` for tiktoken's. `sha256` is the hash of its `.tiktoken` form, so
    /// equal vocabularies have equal hashes. Save it with `save(tokenizerJSON:)` / `save(tiktoken:)`.
    public init(model: BPEModel, pattern: PreTokenizerPattern, specialTokens: [String: UInt32] = [:],
                name: String = "custom", addPrefixSpace: Bool = false) throws {
        var hf = HFPipeline()
        hf.addPrefixSpace = addPrefixSpace
        hf.addedTokens = specialTokens.map { AddedToken(id: $0.value, content: $0.key, special: true) }
        let core = try TokenizerCore(model: model, pattern: pattern, hf: hf)
        self.init(core: core, name: name, sha256: "", specialTokens: specialTokens)
        sha256 = SHA256.hash(tiktokenText())
        for (t, id) in specialTokens where model.contains(id) && model.bytes(of: id) != Array(t.utf8) {
            throw AIGCError.usage("special token \(t.debugDescription) id \(id) is an ordinary token's id")
        }
    }
}
