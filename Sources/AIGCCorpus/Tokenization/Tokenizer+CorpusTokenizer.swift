import AIGCTokenizer

/// The toolkit's BPE tokenizer (cl100k_base, o200k_base, tiktoken/HF files) drives corpus builds directly.
extension Tokenizer: CorpusTokenizer {
    /// One scratch for all the texts of a record, ids appended in place (`Tokenizer.withOrdinaryAppender`).
    public func withOrdinaryEncoder<R>(_ body: ((UnsafeBufferPointer<UInt8>, inout [UInt32]) -> Void) -> R) -> R {
        withOrdinaryAppender(body)
    }
}
