import AIGCCore
import AIGCText
import Foundation

/// A byte-level BPE tokenizer (tiktoken encodings, GPT-2 files, HF `tokenizer.json`). An immutable `Sendable`
/// value: hold one and share it across tasks and threads; encoding allocates only its result (per-call scratch).
///
/// ```swift
/// let tok = try Tokenizer.named("cl100k_base")
/// let ids = tok.encodeOrdinary("hello world")        // [15339, 1917]
/// let text = try tok.decodeString(ids)                // "hello world"
/// let n = tok.count("hello world")                    // 2
/// ```
public struct Tokenizer: Sendable {
    let core: TokenizerCore
    /// The encoding name (`cl100k_base`, a file's base name, …).
    public var name: String
    /// SHA-256 (hex) of the vocabulary file the tokenizer was loaded from.
    public var sha256: String
    /// Special tokens and their ids.
    public private(set) var specialTokens: [String: UInt32]
    let specials: SpecialMatcher
    let specialBytes: [UInt32: [UInt8]]
    /// Threads used for one large text and for batches (default: all active processors). Output never depends on it.
    public var threads: Int = Limits.cores

    init(core: TokenizerCore, name: String, sha256: String, specialTokens: [String: UInt32]) {
        self.core = core
        self.name = name
        self.sha256 = sha256
        self.specialTokens = specialTokens
        self.specials = SpecialMatcher(specialTokens)
        var sb: [UInt32: [UInt8]] = [:]
        for (t, id) in specialTokens { sb[id] = Array(t.utf8) }
        self.specialBytes = sb
    }

    /// The BPE model (vocabulary and merge rule).
    public var model: BPEModel { core.model }
    /// The pre-tokenization pattern.
    public var pattern: PreTokenizerPattern { core.pattern }
    /// The HF normalizer, if the tokenizer has one.
    public var normalizer: TextNormalizer? { core.normalizer }

    /// Max id + 1, counting special tokens.
    public var vocabularySize: Int {
        max(core.model.idCount, (specialTokens.values.max().map { Int($0) + 1 }) ?? 0)
    }

    /// A copy with these special tokens added (those already present keep their ids) at the next free ids.
    public func withSpecialTokens(_ tokens: [String]) throws -> Tokenizer {
        var st = specialTokens
        var next = UInt32(vocabularySize)
        for t in tokens where st[t] == nil {
            guard !t.isEmpty else { throw AIGCError.usage("a special token cannot be empty") }
            st[t] = next
            next += 1
        }
        var copy = Tokenizer(core: core, name: name, sha256: sha256, specialTokens: st)
        copy.threads = threads
        return copy
    }

    /// A copy with the special tokens replaced (ids must not collide with ordinary tokens or each other).
    public func withSpecialTokens(_ tokens: [String: UInt32]) throws -> Tokenizer {
        var seen: [UInt32: String] = [:]
        for (t, id) in tokens {
            if let other = seen[id] { throw AIGCError.usage("special tokens \(t.debugDescription) and \(other.debugDescription) share id \(id)") }
            if core.model.contains(id) { throw AIGCError.usage("special token \(t.debugDescription) id \(id) is an ordinary token's id") }
            seen[id] = t
        }
        var copy = Tokenizer(core: core, name: name, sha256: sha256, specialTokens: tokens)
        copy.threads = threads
        return copy
    }
}
