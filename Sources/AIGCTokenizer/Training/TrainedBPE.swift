import AIGCCore
import AIGCText
import Foundation

/// A trained byte-level BPE vocabulary with everything needed to write it as an HF `tokenizer.json` and a
/// tiktoken file.
public struct TrainedBPE: Sendable {
    /// Learned tokens and merges.
    public var result: BPETrainingResult
    /// Special tokens, ids `result.tokens.count…` in order.
    public var specialTokens: [String]
    /// The pre-tokenization regex written into `tokenizer.json` as a `Split`; nil for GPT-2's `ByteLevel`
    /// regex (written as `ByteLevel` with `use_regex: true`, exactly what HF trains with).
    public var splitRegex: String?
    /// Normalizer applied before pre-tokenization, if any.
    public var normalizer: TextNormalizer?

    public init(result: BPETrainingResult, specialTokens: [String], splitRegex: String?, normalizer: TextNormalizer?) {
        self.result = result; self.specialTokens = specialTokens; self.splitRegex = splitRegex; self.normalizer = normalizer
    }

    /// The id of special token `i`.
    public func specialTokenID(_ i: Int) -> UInt32 { UInt32(result.tokens.count + i) }

    /// HF `tokenizer.json`: a `BPE` model (vocabulary in id order, merges as `["left","right"]`), the
    /// pre-tokenizer, a `ByteLevel` decoder and the special tokens as added tokens after the vocabulary.
    /// Throws if the normalizer has a step HF cannot express (the file would silently tokenize differently).
    public func tokenizerJSON() throws -> String {
        var o = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (i, s) in specialTokens.enumerated() {
            o += i == 0 ? "\n" : ",\n"
            o += "    {\"id\": \(specialTokenID(i)), \"content\": \(JSONText.quote(s)), \"single_word\": false, "
            o += "\"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}"
        }
        o += specialTokens.isEmpty ? "],\n" : "\n  ],\n"
        o += "  \"normalizer\": "
        if let normalizer, !normalizer.steps.isEmpty {
            guard let hf = normalizer.hfNormalizerJSON(),
                  let data = try? JSONSerialization.data(withJSONObject: hf, options: [.sortedKeys, .withoutEscapingSlashes]),
                  let text = String(data: data, encoding: .utf8) else {
                throw AIGCError.unsupported("the normalizer has steps HF tokenizers cannot express; tokenizer.json would not reproduce them")
            }
            o += text + ",\n"
        } else {
            o += "null,\n"
        }
        let byteLevel = "\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true"
        if let splitRegex {
            o += "  \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [\n"
            o += "    {\"type\": \"Split\", \"pattern\": {\"Regex\": \(JSONText.quote(splitRegex))}, \"behavior\": \"Isolated\", \"invert\": false},\n"
            o += "    {\(byteLevel), \"use_regex\": false}\n  ]},\n"
        } else {
            o += "  \"pre_tokenizer\": {\(byteLevel), \"use_regex\": true},\n"
        }
        o += "  \"post_processor\": null,\n"
        o += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n"
        o += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        o += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
        o += "    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n    \"vocab\": {"
        let printable = result.tokens.map { JSONText.quote(TrainingByteOrder.printable($0)) }
        for (i, p) in printable.enumerated() {
            o += i == 0 ? "\n      " : ",\n      "
            o += "\(p): \(i)"
        }
        o += "\n    },\n    \"merges\": ["
        for (i, m) in result.merges.enumerated() {
            o += i == 0 ? "\n      " : ",\n      "
            o += "[\(printable[Int(m.left)]), \(printable[Int(m.right)])]"
        }
        o += result.merges.isEmpty ? "]\n  }\n}\n" : "\n    ]\n  }\n}\n"
        return o
    }

    /// tiktoken's format: `base64(token bytes) rank` per line, rank = id. Special tokens are not part of the
    /// format (tiktoken takes them as a separate map); they are listed in `training.json`.
    public func tiktoken() -> String {
        var o = ""
        o.reserveCapacity(result.tokens.count * 16)
        for (i, t) in result.tokens.enumerated() {
            o += Data(t).base64EncodedString()
            o += " \(i)\n"
        }
        return o
    }
}
