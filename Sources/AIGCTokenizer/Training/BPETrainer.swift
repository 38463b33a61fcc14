import AIGCCore
import AIGCText
import Foundation

/// Trains a byte-level BPE vocabulary whose merges are exactly those of HF tokenizers' `BpeTrainer`
/// (`initial_alphabet=ByteLevel.alphabet()`), from text files read the way HF's `Tokenizer.train(files)` reads
/// them.
///
/// ```swift
/// var trainer = BPETrainer(vocabSize: 8192)
/// trainer.minFrequency = 2
/// trainer.specialTokens = ["<|endoftext|>"]
/// let run = try trainer.train(files: ["chat.txt"], pattern: .gpt2)
/// try run.write(to: URL(fileURLWithPath: "out"))   // tokenizer.json, tokenizer.tiktoken, training.json
/// ```
public struct BPETrainer: Sendable {
    /// Byte tokens (256) plus learned tokens; special tokens come on top.
    public var vocabSize: Int
    /// Stop when the most frequent pair occurs fewer times than this.
    public var minFrequency: UInt64 = 0
    /// Added after the vocabulary (ids `vocabSize…` when the vocabulary is full).
    public var specialTokens: [String] = []
    /// HF's `max_token_length` (in bytes): a pair is only counted when its two tokens together are shorter.
    public var maxTokenLength: Int?
    /// Counting threads; 0 means all cores.
    public var threads: Int = 0
    public var invalidLines: InvalidUTF8Policy = .skip
    /// Applied to every line before pre-tokenization (written into `tokenizer.json` as HF's normalizer).
    public var normalizer: TextNormalizer?

    public init(vocabSize: Int) { self.vocabSize = vocabSize }

    /// Checks the options; every problem is a usage error with the option's name.
    public func validate() throws {
        guard vocabSize >= 256 else {
            throw AIGCError.usage("BPETrainer.vocabSize \(vocabSize) is below 256: the vocabulary always holds the 256 byte tokens")
        }
        guard vocabSize <= Int(UInt32.max / 2) else { throw AIGCError.usage("BPETrainer.vocabSize \(vocabSize) is too large") }
        if let m = maxTokenLength, m < 1 { throw AIGCError.usage("BPETrainer.maxTokenLength must be at least 1") }
        var seen = Set<String>()
        for s in specialTokens {
            if s.isEmpty { throw AIGCError.usage("BPETrainer.specialTokens must not be empty") }
            if !seen.insert(s).inserted { throw AIGCError.usage("BPETrainer.specialTokens '\(s)' is given twice") }
        }
    }

    /// Learns merges from already counted pre-tokens.
    public func learn(_ counts: PreTokenCounts, progress: ((Int) -> Void)? = nil) throws -> BPETrainingResult {
        try validate()
        return try BPEMergeLearner(vocabSize: vocabSize, minFrequency: minFrequency, maxTokenLength: maxTokenLength)
            .learn(counts, progress: progress)
    }

    /// Counts the files' pre-tokens with `split` and learns the merges. `splitRegex` is what `tokenizer.json`
    /// will say the pre-tokenizer is (nil: GPT-2's `ByteLevel` regex).
    public func train(files: [String], split: @escaping PreTokenSplitter, splitRegex: String?,
                      countingProgress: (@Sendable (Int) -> Void)? = nil,
                      mergeProgress: ((Int) -> Void)? = nil) throws -> BPETrainingRun {
        try validate()
        if files.isEmpty { throw AIGCError.usage("no input files") }
        let clock = ContinuousClock()
        let t0 = clock.now
        let counter = PreTokenCounter(split: split, normalizer: normalizer, threads: threads, invalidLines: invalidLines)
        let (counts, stats) = try counter.count(files: files, progress: countingProgress)
        let t1 = clock.now
        // The merge loop is one thread: hash the inputs for training.json on another core meanwhile.
        let hashes = InputHashes()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            hashes.result = Result { try files.map { path in let (n, h) = try BPETrainingRun.hashFile(path); return BPETrainingInput(path: path, bytes: n, sha256: h) } }
        }
        let result = try learn(counts, progress: mergeProgress)
        group.wait()
        let inputs = try hashes.result!.get()
        let t2 = clock.now
        try Self.checkSpecialTokens(specialTokens, against: result)
        let trained = TrainedBPE(result: result, specialTokens: specialTokens, splitRegex: splitRegex, normalizer: normalizer)
        return BPETrainingRun(
            trained: trained, options: self, inputs: inputs, stats: stats,
            distinctPreTokens: counts.distinctCount, totalPreTokens: counts.totalCount,
            countingSeconds: Self.seconds(t1 - t0), mergingSeconds: Self.seconds(t2 - t1))
    }

    /// A special token spelled like a vocabulary token (in `tokenizer.json`'s printable form) would get two ids
    /// when HF loads the file; refuse it instead of writing a tokenizer that means two things.
    static func checkSpecialTokens(_ specials: [String], against result: BPETrainingResult) throws {
        if specials.isEmpty { return }
        let wanted = Set(specials)
        for (id, t) in result.tokens.enumerated() {
            let p = TrainingByteOrder.printable(t)
            if wanted.contains(p) {
                throw AIGCError.usage("BPETrainer.specialTokens '\(p)' is spelled like vocabulary token \(id) in tokenizer.json; choose another text")
            }
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Where the background hashing leaves its result (written once, read after `wait()`).
private final class InputHashes: @unchecked Sendable {
    var result: Result<[BPETrainingInput], Error>?
}
