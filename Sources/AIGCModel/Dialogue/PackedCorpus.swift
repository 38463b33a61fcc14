import AIGCCore
import AIGCFormats
import Foundation

/// One split of the corpus builder's packed output (`{split}-NNNNN.safetensors` with int32 `input_ids`,
/// `labels`, `position_ids`, `segment_ids`, each `[rows, seq_len]`), all shards concatenated, plus what
/// `manifest.json` says about the tokenizer. Labels follow the HF convention (aligned with `input_ids`, −100 where
/// not trained); `batch(rows:)` shifts them into next-token targets.
public struct PackedCorpus: Sendable {
    public let directory: String
    public let split: String
    public let rows: Int
    public let seqLen: Int
    public let inputIds: [Int32]
    public let labels: [Int32]
    public let positions: [Int32]
    public let segments: [Int32]
    /// `special_tokens` from the manifest (text → id); empty without a manifest.
    public let specialTokens: [String: Int32]
    /// The tokenizer's name and vocabulary size from the manifest, if present.
    public let tokenizerName: String?
    public let tokenizerVocabSize: Int?

    public init(directory: URL, split: String) throws {
        self.directory = directory.path
        self.split = split
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw AIGCError.io("\(directory.path): cannot list (\(error.localizedDescription))")
        }
        let shards = names.filter { CorpusLayout.isSafeTensorsShard($0, split: split) }.sorted()
        guard !shards.isEmpty else {
            throw AIGCError.input(location: directory.path, message: "no \(split)-*.safetensors shards (build the corpus with CorpusBuildOptions.outputFormat safetensors)")
        }
        var ids: [Int32] = [], labs: [Int32] = [], pos: [Int32] = [], segs: [Int32] = []
        var seq: Int? = nil, total = 0
        for name in shards {
            let f = try SafeTensorsFile(contentsOf: directory.appendingPathComponent(name))
            var shape: [Int]? = nil
            for t in CorpusLayout.tensorNames {
                let s = try f.shape(t)
                guard s.count == 2 else { throw AIGCError.input(location: "\(f.path): tensor '\(t)'", message: "expected [rows, seq_len], found \(s)") }
                if let shape, shape != s { throw AIGCError.input(location: "\(f.path): tensor '\(t)'", message: "shape \(s) differs from input_ids \(shape)") }
                shape = s
            }
            let s = shape!
            if let seq, seq != s[1] { throw AIGCError.input(location: f.path, message: "seq_len \(s[1]) differs from earlier shards' \(seq)") }
            seq = s[1]
            total += s[0]
            ids += try f.int32s(CorpusLayout.inputIDs); labs += try f.int32s(CorpusLayout.labels)
            pos += try f.int32s(CorpusLayout.positionIDs); segs += try f.int32s(CorpusLayout.segmentIDs)
        }
        rows = total
        seqLen = seq ?? 0
        guard rows > 0, seqLen > 1 else { throw AIGCError.input(location: directory.path, message: "the \(split) split has no rows of 2+ tokens") }
        if let i = ids.firstIndex(where: { $0 < 0 }) {
            throw AIGCError.input(location: directory.path, message: "\(split): negative token id \(ids[i]) at row \(i / seqLen), column \(i % seqLen)")
        }
        if let i = labs.firstIndex(where: { $0 < 0 && $0 != -100 }) {
            throw AIGCError.input(location: directory.path, message: "\(split): label \(labs[i]) at row \(i / seqLen), column \(i % seqLen) is neither a token nor -100")
        }
        if let i = pos.firstIndex(where: { $0 < 0 }) {
            throw AIGCError.input(location: directory.path, message: "\(split): negative position at row \(i / seqLen), column \(i % seqLen)")
        }
        inputIds = ids; labels = labs; positions = pos; segments = segs
        var special: [String: Int32] = [:]
        var tokName: String? = nil, tokVocab: Int? = nil
        let manifest = CorpusLayout.manifestURL(in: directory)
        if let data = try? Data(contentsOf: manifest) {
            guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw AIGCError.input(location: manifest.path, message: "not a JSON object")
            }
            for (k, v) in obj["special_tokens"] as? [String: Any] ?? [:] {
                if let n = v as? Int, let id = Int32(exactly: n) { special[k] = id }
            }
            if let t = obj["tokenizer"] as? [String: Any] {
                tokName = t["name"] as? String
                tokVocab = t["vocab_size"] as? Int
            }
        }
        specialTokens = special
        tokenizerName = tokName
        tokenizerVocabSize = tokVocab
    }

    /// The vocabulary the corpus needs: the tokenizer's size from the manifest, or more if a token id is larger.
    public var vocabSize: Int {
        max(tokenizerVocabSize ?? 0, Int(inputIds.max() ?? 0) + 1, Int(labels.max() ?? 0) + 1, specialTokens.values.map { Int($0) + 1 }.max() ?? 0)
    }

    public var maxPosition: Int { Int(positions.max() ?? 0) }

    /// Number of trained tokens (labels ≠ −100).
    public var trainedTokens: Int { labels.reduce(0) { $0 + ($1 == -100 ? 0 : 1) } }

    /// Next-token targets for row `r`: `targets[t] = labels[t + 1]` when tokens t and t+1 belong to the same
    /// conversation (same non-zero segment), else −100 — so a packed row never trains a prediction across two
    /// conversations or into padding. Positions and segments are passed through, giving the block-diagonal mask.
    public func batch(rows rowList: [Int]) -> TokenBatch {
        let T = seqLen
        var inputs = [Int32](), targets = [Int32](), pos = [Int32](), seg = [Int32]()
        inputs.reserveCapacity(rowList.count * T)
        for r in rowList {
            let o = r * T
            inputs += inputIds[o ..< o + T]
            pos += positions[o ..< o + T]
            seg += segments[o ..< o + T]
            for t in 0..<T {
                if t + 1 < T, segments[o + t] != 0, segments[o + t + 1] == segments[o + t] {
                    targets.append(labels[o + t + 1])
                } else {
                    targets.append(-100)
                }
            }
        }
        return TokenBatch(batch: rowList.count, time: T, inputs: inputs, targets: targets, positions: pos, segments: seg)
    }

    /// The (context, reply) pairs of every conversation: each maximal run of trained tokens (an assistant reply
    /// with its end token) is a reply, everything before it in the same conversation its context. Contexts longer
    /// than `maxContext` keep their last `maxContext` tokens; replies longer than `maxReply` keep their first
    /// `maxReply` (as sampled replies are cut, so the discriminator cannot tell them apart by length alone).
    public func pairs(maxContext: Int, maxReply: Int) -> [DialoguePair] {
        var out: [DialoguePair] = []
        let T = seqLen
        for r in 0..<rows {
            let o = r * T
            var t = 0
            while t < T {
                let s = segments[o + t]
                var end = t
                while end < T && segments[o + end] == s { end += 1 }
                if s != 0 {
                    var i = t
                    while i < end {
                        if labels[o + i] != -100 {
                            var j = i
                            while j < end && labels[o + j] != -100 { j += 1 }
                            if i > t {
                                let ctxStart = max(t, i - maxContext)
                                out.append(DialoguePair(context: Array(inputIds[(o + ctxStart) ..< (o + i)]),
                                                        reply: Array(inputIds[(o + i) ..< (o + min(j, i + maxReply))])))
                            }
                            i = j
                        } else {
                            i += 1
                        }
                    }
                }
                t = end
            }
        }
        return out
    }
}

/// A dialogue context (everything the model sees before the reply, e.g. `…<|im_start|>assistant\n`) and a
/// reply (its tokens, ending with the end-of-turn token when it was trained).
public struct DialoguePair: Sendable, Equatable {
    public var context: [Int32]
    public var reply: [Int32]
    public init(context: [Int32], reply: [Int32]) { self.context = context; self.reply = reply }
}
