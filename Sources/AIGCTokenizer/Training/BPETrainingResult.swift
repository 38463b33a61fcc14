/// One learned merge: `left` and `right` token ids and the id of the token they form.
public struct BPEMerge: Sendable, Hashable {
    public var left: UInt32
    public var right: UInt32
    public var result: UInt32
    public init(left: UInt32, right: UInt32, result: UInt32) {
        self.left = left; self.right = right; self.result = result
    }
}

/// What training learned: the vocabulary and the ordered merges.
public struct BPETrainingResult: Sendable {
    /// Token bytes by id: ids 0…255 are the single bytes in GPT-2 order (`TrainingByteOrder`), then learned tokens
    /// in the order they were first created. Special tokens are not in here; they take ids after the last token.
    public var tokens: [[UInt8]]
    /// The merges as HF writes them in `tokenizer.json`: each distinct pair once, at the position of its last
    /// merge step, in order.
    public var merges: [BPEMerge]
    /// Merge steps performed. More than `merges.count` when HF's algorithm merged the same pair twice (it keeps
    /// separate queue entries for occurrences created at different steps).
    public var mergeSteps: Int
    /// The count of the pair at each merge step (for reports).
    public var stepCounts: [UInt64]

    public init(tokens: [[UInt8]], merges: [BPEMerge], mergeSteps: Int, stepCounts: [UInt64]) {
        self.tokens = tokens; self.merges = merges; self.mergeSteps = mergeSteps; self.stepCounts = stepCounts
    }
}
