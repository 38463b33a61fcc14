import AIGCCore
import AIGCText
import Foundation

extension Tokenizer {
    /// Loads an HF `tokenizer.json` holding a byte-level BPE model. Supported: `model` BPE (`vocab`, `merges` as
    /// `"a b"` or `["a", "b"]`, `ignore_merges`), `added_tokens` (as special tokens, with their flags kept), the
    /// normalizer (through AIGCText's HF reader), pre-tokenizers `ByteLevel` (`use_regex`, `add_prefix_space`),
    /// `Split` (regex or string pattern, all behaviours, `invert`) and `Sequence`, decoder `ByteLevel`. Anything
    /// else is an `AIGCError.unsupported` naming it; malformed files are `AIGCError.input` naming the JSON path.
    static func loadHF(_ data: Data, source: String, sha256: String) throws -> Tokenizer {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw AIGCError.input(location: source, message: "not valid JSON (\(error.localizedDescription))")
        }
        guard let obj = root as? [String: Any] else { throw AIGCError.input(location: source, message: "expected a JSON object") }
        func bad(_ path: String, _ m: String) -> AIGCError { .input(location: "\(source): \(path)", message: m) }
        func unsupported(_ path: String, _ m: String) -> AIGCError { .unsupported("\(source): \(path): \(m)") }

        // Model.
        guard let model = obj["model"] as? [String: Any] else { throw bad("model", "missing or not an object") }
        let mtype = model["type"] as? String ?? "BPE"
        guard mtype == "BPE" else { throw unsupported("model.type", "\(mtype) (only byte-level BPE is supported)") }
        if let d = model["dropout"], !(d is NSNull) {
            if let v = d as? Double, v == 0 {} else { throw unsupported("model.dropout", "BPE dropout is not deterministic") }
        }
        for k in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[k], !(v is NSNull), (v as? String) != "" { throw unsupported("model.\(k)", "not supported for byte-level BPE") }
        }
        if let bf = model["byte_fallback"] as? Bool, bf { throw unsupported("model.byte_fallback", "byte fallback is for non-byte-level models") }
        let ignoreMerges = model["ignore_merges"] as? Bool ?? false

        // Byte-level check: the pre-tokenizer or decoder must contain ByteLevel.
        let preJSON = obj["pre_tokenizer"] ?? NSNull()
        let decJSON = obj["decoder"] ?? NSNull()
        func containsByteLevel(_ any: Any) -> Bool {
            guard let o = any as? [String: Any] else { return false }
            if o["type"] as? String == "ByteLevel" { return true }
            for k in ["pretokenizers", "decoders"] {
                if let list = o[k] as? [Any], list.contains(where: containsByteLevel) { return true }
            }
            return false
        }
        guard containsByteLevel(preJSON) || containsByteLevel(decJSON) else {
            throw unsupported("pre_tokenizer", "no ByteLevel pre-tokenizer or decoder: only byte-level BPE vocabularies are supported")
        }
        if !(decJSON is NSNull) {
            guard let d = decJSON as? [String: Any], d["type"] as? String == "ByteLevel" else {
                throw unsupported("decoder", "\((decJSON as? [String: Any])?["type"] as? String ?? "?") (only ByteLevel)")
            }
        }

        // Added tokens.
        var added: [AddedToken] = []
        if let list = obj["added_tokens"] {
            guard let arr = list as? [Any] else { throw bad("added_tokens", "expected an array") }
            for (i, a) in arr.enumerated() {
                guard let o = a as? [String: Any], let content = o["content"] as? String, let idn = o["id"] as? NSNumber,
                      let id = UInt32(exactly: idn.doubleValue), id < 1 << 31 else {
                    throw bad("added_tokens[\(i)]", "expected {\"id\": integer, \"content\": string, …}")
                }
                guard !content.isEmpty else { throw bad("added_tokens[\(i)]", "empty content") }
                added.append(AddedToken(id: id, content: content, special: o["special"] as? Bool ?? false,
                                        singleWord: o["single_word"] as? Bool ?? false, lstrip: o["lstrip"] as? Bool ?? false,
                                        rstrip: o["rstrip"] as? Bool ?? false, normalized: o["normalized"] as? Bool ?? false))
            }
        }
        let addedContents = Set(added.map(\.content))

        // Vocabulary.
        guard let vocab = model["vocab"] as? [String: Any] else { throw bad("model.vocab", "missing or not an object") }
        var maxId = -1
        var entries: [(Int, [UInt8])] = []
        entries.reserveCapacity(vocab.count)
        for (k, v) in vocab {
            guard let n = v as? NSNumber, let id = Int(exactly: n.doubleValue), id >= 0, id < 1 << 31 else {
                throw bad("model.vocab[\(k.debugDescription)]", "id must be an integer in 0..<2^31")
            }
            guard let bytes = ByteLevelAlphabet.decode(k) ?? (addedContents.contains(k) ? Array(k.utf8) : nil) else {
                throw bad("model.vocab[\(k.debugDescription)]", "not a byte-level token (a character outside GPT-2's byte alphabet)")
            }
            entries.append((id, bytes))
            maxId = max(maxId, id)
        }
        guard maxId >= 0 else { throw bad("model.vocab", "empty vocabulary") }
        guard maxId < vocab.count * 4 + 4096 else { throw bad("model.vocab", "id \(maxId) is far above the vocabulary size \(vocab.count)") }
        var byId = [ArraySlice<UInt8>?](repeating: nil, count: maxId + 1)
        for (id, b) in entries {
            if byId[id] != nil { throw bad("model.vocab", "id \(id) is used twice") }
            byId[id] = b[...]
        }

        // Merges.
        var merges: [(UInt32, UInt32)] = []
        if let ml = model["merges"] {
            guard let arr = ml as? [Any] else { throw bad("model.merges", "expected an array") }
            merges.reserveCapacity(arr.count)
            var idOf: [String: UInt32] = [:]
            idOf.reserveCapacity(vocab.count)
            for (k, v) in vocab { if let n = v as? NSNumber { idOf[k] = UInt32(truncating: n) } }
            for (i, m) in arr.enumerated() {
                let a: String, b: String
                if let s = m as? String {
                    let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else { throw bad("model.merges[\(i)]", "expected \"left right\"") }
                    a = String(parts[0]); b = String(parts[1])
                } else if let p = m as? [Any], p.count == 2, let x = p[0] as? String, let y = p[1] as? String {
                    a = x; b = y
                } else {
                    throw bad("model.merges[\(i)]", "expected \"left right\" or [\"left\", \"right\"]")
                }
                guard let ia = idOf[a], let ib = idOf[b] else {
                    throw bad("model.merges[\(i)]", "\(a.debugDescription) or \(b.debugDescription) is not in the vocabulary")
                }
                merges.append((ia, ib))
            }
        }
        let bpe: BPEModel
        do { bpe = try BPEModel(vocabulary: byId, merges: merges, ignoreMerges: ignoreMerges) } catch let e as AIGCError {
            throw AIGCError.input(location: "\(source): model", message: e.description)
        }
        if let unk = model["unk_token"], !(unk is NSNull), bpe.byteIds.contains(UInt32.max) {
            throw unsupported("model.unk_token", "some bytes have no token and an unk token is set")
        }

        // Normalizer.
        var normalizer: TextNormalizer? = nil
        if let n = obj["normalizer"], !(n is NSNull) {
            do { normalizer = try TextNormalizer(jsonObject: n, source: "\(source): normalizer") } catch {
                throw AIGCError.unsupported("\(error)")
            }
            if normalizer?.steps.isEmpty ?? true { normalizer = nil }
        }

        // Pre-tokenizer.
        var hf = HFPipeline()
        hf.addedTokens = added
        var stages: [(any PreTokenizer, PreTokenizerPattern?)] = []
        func addStage(_ any: Any, path: String) throws {
            guard let o = any as? [String: Any], let type = o["type"] as? String else { throw bad(path, "expected an object with \"type\"") }
            switch type {
            case "Sequence":
                guard let list = o["pretokenizers"] as? [Any] else { throw bad(path, "Sequence without \"pretokenizers\"") }
                for (i, s) in list.enumerated() { try addStage(s, path: "\(path).pretokenizers[\(i)]") }
            case "ByteLevel":
                if o["add_prefix_space"] as? Bool ?? false { hf.addPrefixSpace = true }
                hf.trimOffsets = o["trim_offsets"] as? Bool ?? false
                if o["use_regex"] as? Bool ?? true { stages.append((GPT2Scanner(), .gpt2)) }
            case "Split":
                let behavior: RegexPreTokenizer.Behavior
                switch o["behavior"] as? String ?? "Isolated" {
                case "Isolated": behavior = .isolated
                case "Removed": behavior = .removed
                case "MergedWithPrevious": behavior = .mergedWithPrevious
                case "MergedWithNext": behavior = .mergedWithNext
                case "Contiguous": behavior = .contiguous
                case let x: throw unsupported("\(path).behavior", x)
                }
                let invert = o["invert"] as? Bool ?? false
                guard let pat = o["pattern"] as? [String: Any] else { throw bad("\(path).pattern", "missing") }
                let regex: String
                if let r = pat["Regex"] as? String { regex = r } else if let s = pat["String"] as? String {
                    regex = NSRegularExpression.escapedPattern(for: s)
                } else { throw bad("\(path).pattern", "expected {\"Regex\": …} or {\"String\": …}") }
                // Oniguruma reads `X{m,n}+` as `(?:X{m,n})+`; such a pattern keeps that meaning on the ICU path.
                let onig = RegexPreTokenizer.onigRepeat(regex)
                let known = onig == regex ? PreTokenizerPattern.recognizing(regex) : .custom(onig)
                if behavior == .isolated && !invert, known != .custom(regex) {
                    stages.append((try makePreTokenizer(known), known))
                } else {
                    do { stages.append((try RegexPreTokenizer(pattern: onig, behavior: behavior, invert: invert), nil)) } catch {
                        throw bad("\(path).pattern", "\(error)")
                    }
                }
            default:
                throw unsupported(path, "pre-tokenizer \(type) (supported: ByteLevel, Split, Sequence)")
            }
        }
        if !(preJSON is NSNull) { try addStage(preJSON, path: "pre_tokenizer") }
        let pattern: PreTokenizerPattern
        let pre: any PreTokenizer
        if stages.count == 1, let p = stages[0].1 {
            pattern = p
            pre = stages[0].0
        } else if stages.isEmpty {
            pattern = .custom("(?s).+")
            pre = WholeTextPreTokenizer()
            hf.usesPatternOnly = false
        } else {
            let regexStage = stages.first { $0.0 is RegexPreTokenizer }?.0 as? RegexPreTokenizer
            pattern = stages.count == 1 ? .custom(regexStage?.pattern ?? "") : .custom(stages.map { s in
                s.1?.regex ?? (s.0 as? RegexPreTokenizer)?.pattern ?? "" }.joined(separator: " ⟶ "))
            pre = stages.count == 1 ? stages[0].0 : SequencePreTokenizer(stages.map(\.0))
            hf.usesPatternOnly = false
        }
        var specials: [String: UInt32] = [:]
        for a in added { specials[a.content] = a.id }
        let core = try TokenizerCore(model: bpe, pattern: pattern, preTokenizer: pre, normalizer: normalizer, hf: hf)
        let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        return Tokenizer(core: core, name: name, sha256: sha256, specialTokens: specials)
    }

    /// GPT-2's `encoder.json` (byte-level token → id) with `vocab.bpe` (merges) in the same directory: tiktoken's
    /// `gpt2` encoding (r50k pattern, `<|endoftext|>` = 50256) when the merges are in id order, else HF rules.
    static func loadGPT2(encoder: URL, data: Data, sha256: String, pattern: PreTokenizerPattern?,
                         specialTokens: [String: UInt32]?) throws -> Tokenizer {
        let source = encoder.path
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AIGCError.input(location: source, message: "not a JSON object of token → id")
        }
        var specials = specialTokens ?? [:]
        var byId: [ArraySlice<UInt8>?] = []
        var idOf: [String: UInt32] = [:]
        for (k, v) in obj {
            guard let n = v as? NSNumber, let id = Int(exactly: n.doubleValue), id >= 0, id < obj.count * 4 + 4096 else {
                throw AIGCError.input(location: "\(source): \(k.debugDescription)", message: "id must be a small non-negative integer")
            }
            if k.hasPrefix("<|") && k.hasSuffix("|>") && specialTokens == nil { specials[k] = UInt32(id); continue }
            guard let b = ByteLevelAlphabet.decode(k) else {
                throw AIGCError.input(location: "\(source): \(k.debugDescription)", message: "not a byte-level token")
            }
            if byId.count <= id { byId += [ArraySlice<UInt8>?](repeating: nil, count: id + 1 - byId.count) }
            if byId[id] != nil { throw AIGCError.input(location: source, message: "id \(id) is used twice") }
            byId[id] = b[...]
            idOf[k] = UInt32(id)
        }
        let bpeURL = encoder.deletingLastPathComponent().appendingPathComponent("vocab.bpe")
        let bpeText: String
        do { bpeText = try String(contentsOf: bpeURL, encoding: .utf8) } catch {
            throw AIGCError.io("\(bpeURL.path): cannot read the merges that go with \(encoder.lastPathComponent)")
        }
        var merges: [(UInt32, UInt32)] = []
        for (i, line) in bpeText.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if i == 0 && line.hasPrefix("#version") { continue }
            let p = line.split(separator: " ")
            guard p.count == 2, let a = idOf[String(p[0])], let b = idOf[String(p[1])] else {
                throw AIGCError.input(location: "\(bpeURL.path):\(i + 1)", message: "expected two tokens of encoder.json")
            }
            merges.append((a, b))
        }
        let pairModel = try BPEModel(vocabulary: byId, merges: merges, ignoreMerges: false)
        // When every merge k produces id 256 + k, ranks = ids and tiktoken's rule gives the same result.
        var inOrder = true
        for (k, (a, b)) in merges.enumerated() {
            let m = (pairModel.bytes(of: a) ?? []) + (pairModel.bytes(of: b) ?? [])
            if pairModel.id(of: m) != UInt32(256 + k) { inOrder = false; break }
        }
        let model = inOrder ? try BPEModel(ranks: byId) : pairModel
        let core = try TokenizerCore(model: model, pattern: pattern ?? .gpt2)
        return Tokenizer(core: core, name: "gpt2", sha256: sha256, specialTokens: specials.isEmpty ? ["<|endoftext|>": UInt32(byId.count)] : specials)
    }
}
