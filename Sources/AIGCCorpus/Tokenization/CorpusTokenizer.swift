/// What the corpus builder needs from a tokenizer. AIGCTokenizer's `Tokenizer` conforms; tests use
/// `ByteLevelTokenizer`. Text is always encoded as ordinary text (special-token strings inside user content
/// stay text: a corpus must not let data inject control tokens); special tokens enter only through templates.
public protocol CorpusTokenizer: Sendable {
    var name: String { get }
    /// SHA-256 of the vocabulary, recorded in the manifest.
    var sha256: String { get }
    var vocabularySize: Int { get }
    var specialTokens: [String: UInt32] { get }
    /// A tokenizer with the given special tokens added (at the next free ids) when missing.
    func withSpecialTokens(_ tokens: [String]) throws -> Self
    func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>) -> [UInt32]
    /// Calls `body` with an encoder appending `encodeOrdinary(bytes:)`'s ids to an array (for the texts of one
    /// record; a tokenizer may hold per-call state for them).
    func withOrdinaryEncoder<R>(_ body: ((UnsafeBufferPointer<UInt8>, inout [UInt32]) -> Void) -> R) -> R
    func decode(_ ids: [UInt32]) -> [UInt8]
    /// Throws when an earlier `encodeOrdinary` could not complete (see `Tokenizer.checkPreTokenizer`).
    func checkPreTokenizer() throws
}

extension CorpusTokenizer {
    public func checkPreTokenizer() throws {}
    public func withOrdinaryEncoder<R>(_ body: ((UnsafeBufferPointer<UInt8>, inout [UInt32]) -> Void) -> R) -> R {
        body { bytes, out in out.append(contentsOf: encodeOrdinary(bytes: bytes)) }
    }
}
