import AIGCTokenizer

/// The toolkit's BPE tokenizer (cl100k_base, o200k_base, tiktoken/HF files) drives corpus builds directly.
extension Tokenizer: CorpusTokenizer {}
