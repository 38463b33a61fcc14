import AIGCCore
import Foundation

extension Tokenizer {
    /// Writes the ordinary tokens as a `.tiktoken` file (`base64 rank` per line, in id order; atomically).
    /// Special tokens are not part of the format (tiktoken keeps them in code); they are listed in tokenizer.json.
    public func save(tiktoken url: URL) throws {
        try AtomicFile.write(Data(tiktokenText()), to: url)
    }

    func tiktokenText() -> [UInt8] {
        var out: [UInt8] = []
        let t = core.model.table
        for id in 0..<t.idCount where t.present[id] {
            Base64.encode(t.key(id), into: &out)
            out.append(0x20)
            out.append(contentsOf: String(id).utf8)
            out.append(0x0A)
        }
        return out
    }

    /// Writes an HF `tokenizer.json` (BPE model, byte-level vocabulary and merges, the pre-tokenizer as
    /// `ByteLevel` for the GPT-2 pattern or `Split` + `ByteLevel(use_regex: false)` otherwise, `ByteLevel`
    /// decoder, special tokens as added tokens). HF tokenizers loads it and encodes identically.
    public func save(tokenizerJSON url: URL) throws {
        try AtomicFile.write(Data(tokenizerJSONText()), to: url)
    }

    /// Merges as id pairs in priority order: the model's own (HF rule), or derived from ranks (tiktoken rule) by
    /// running BPE on each token restricted to lower ranks, as HF's tiktoken converter does.
    public func merges() -> [(UInt32, UInt32)] {
        let m = core.model
        if m.rule == .merges { return m.mergeList }
        var out: [(UInt32, UInt32)] = []
        let t = m.table
        for id in 0..<t.idCount where t.present[id] {
            let key = t.key(id)
            if key.count < 2 { continue }
            if let (a, b) = Tokenizer.lastMerge(key, maxRank: UInt32(id), table: t) { out.append((a, b)) }
        }
        return out
    }

    /// BPE on `key` using only ranks below `maxRank`; the two final parts, if there are exactly two.
    static func lastMerge(_ key: UnsafeBufferPointer<UInt8>, maxRank: UInt32, table t: ByteKeyTable) -> (UInt32, UInt32)? {
        guard let base = key.baseAddress else { return nil }
        var starts = Array(0...key.count)
        func rank(_ a: Int, _ b: Int) -> UInt32 {
            guard let r = t.lookup(base + a, b - a), r < maxRank else { return UInt32.max }
            return r
        }
        while starts.count > 3 {
            var best = UInt32.max, bi = -1
            for i in 0..<(starts.count - 2) {
                let r = rank(starts[i], starts[i + 2])
                if r < best { best = r; bi = i }
            }
            if bi < 0 { break }
            starts.remove(at: bi + 1)
        }
        guard starts.count == 3,
              let a = t.lookup(base, starts[1]), let b = t.lookup(base + starts[1], starts[2] - starts[1]) else { return nil }
        return (a, b)
    }

    func tokenizerJSONText() -> [UInt8] {
        var j = JSONText()
        let m = core.model
        let t = m.table
        j.raw("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [")
        let added = specialTokens.sorted { $0.value < $1.value }
        for (k, (text, id)) in added.enumerated() {
            let flags = core.hf.addedTokens.first { $0.content == text }
            j.raw(k == 0 ? "\n    " : ",\n    ")
            j.raw("{\"id\": \(id), \"content\": ")
            j.string(text)
            j.raw(", \"single_word\": \(flags?.singleWord ?? false), \"lstrip\": \(flags?.lstrip ?? false), "
                  + "\"rstrip\": \(flags?.rstrip ?? false), \"normalized\": \(flags?.normalized ?? false), "
                  + "\"special\": \(flags?.special ?? true)}")
        }
        j.raw(added.isEmpty ? "],\n" : "\n  ],\n")
        j.raw("  \"normalizer\": ")
        if let nz = core.normalizer, let obj = nz.hfNormalizerJSON(),
           let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) {
            j.out.append(contentsOf: d)
        } else {
            j.raw("null")
        }
        let aps = core.hf.addPrefixSpace
        j.raw(",\n  \"pre_tokenizer\": ")
        switch core.pattern {
        case .gpt2:
            j.raw("{\"type\": \"ByteLevel\", \"add_prefix_space\": \(aps), \"trim_offsets\": true, \"use_regex\": true}")
        default:
            j.raw("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": ")
            j.string(Tokenizer.oniguruma(core.pattern.regex))
            j.raw("}, \"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\", \"add_prefix_space\": \(aps), "
                  + "\"trim_offsets\": false, \"use_regex\": false}]}")
        }
        j.raw(",\n  \"post_processor\": null,\n")
        j.raw("  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n")
        j.raw("  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
              + "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
              + "    \"byte_fallback\": false,\n    \"ignore_merges\": \(m.ignoreMerges),\n    \"vocab\": {")
        var first = true
        for id in 0..<t.idCount where t.present[id] {
            j.raw(first ? "\n      " : ",\n      ")
            first = false
            j.string(ByteLevelAlphabet.encode(t.key(id)))
            j.raw(": \(id)")
        }
        j.raw("\n    },\n    \"merges\": [")
        first = true
        for (a, b) in merges() {
            j.raw(first ? "\n      " : ",\n      ")
            first = false
            j.string(ByteLevelAlphabet.encode(t.key(Int(a))) + " " + ByteLevelAlphabet.encode(t.key(Int(b))))
        }
        j.raw("\n    ]\n  }\n}\n")
        return j.out
    }
}

extension Tokenizer {
    /// The pattern as HF tokenizers (Oniguruma, Ruby syntax) reads it identically: there `X{1,3}+` means
    /// `(X{1,3})+`, not a possessive `{1,3}`, so the (here redundant) possessive `+` after a `{m,n}` is dropped for
    /// the known patterns.
    static func oniguruma(_ regex: String) -> String {
        switch PreTokenizerPattern.recognizing(regex) {
        case .custom: return regex
        default: return regex.replacingOccurrences(of: "}+", with: "}")
        }
    }
}
