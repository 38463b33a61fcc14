import AIGC
import Foundation

/// `POST /v1/tokenize` and `POST /v1/detokenize`, with any served model's tokenizer (`"model"`) or a named
/// encoding (`"encoding": "cl100k_base"` …).
///
/// tokenize: `{"model"|"encoding", "prompt" (or "text"), "add_special_tokens"?: false, "return_offsets"?: false}` →
/// `{"tokens": [ids], "count", "max_model_len"?, "offsets"?: [[start, end]…]}` with byte offsets into the text.
/// By default special-token text (`<|im_end|>`) is ordinary text; `add_special_tokens: true` reads it as the
/// special tokens (offsets are not available then).
/// detokenize: `{"model"|"encoding", "tokens": [ids]}` → `{"prompt": text, "count"}`.
enum TokenizeEndpoint {
    static let namedCache = NamedTokenizers()

    struct Target {
        var tokenizer: Tokenizer?
        var codec: (any TokenCodec)?
        var vocabularySize: Int
        var context: Int?
    }

    static func target(_ p: Params, state: ServerState) throws -> Target {
        if let name = try p.string("encoding") {
            guard NamedEncoding.named(name) != nil else {
                throw OpenAIError.param("encoding", "unknown encoding '\(name)'; named encodings: "
                                        + NamedEncoding.all.map(\.name).joined(separator: ", ") + ".")
            }
            let t = try namedCache.get(name)
            return Target(tokenizer: t, codec: BPETokenCodec(t), vocabularySize: t.vocabularySize, context: nil)
        }
        guard let id = try p.string("model") else {
            throw OpenAIError.param("model", "give 'model' (a served model) or 'encoding' (a named encoding).", code: "missing_required_parameter")
        }
        let s = try state.model(id).loaded
        guard s.codec != nil else { throw OpenAIError(.badRequest, "model '\(id)' has no tokenizer.", param: "model") }
        return Target(tokenizer: s.tokenizer, codec: s.codec, vocabularySize: s.model.config.vocabSize, context: s.model.config.blockSize)
    }

    static func tokenize(_ p: Params, state: ServerState) throws -> [String: Any] {
        let t = try target(p, state: state)
        guard let text = try p.string("prompt") ?? p.string("text") else {
            throw OpenAIError.param("prompt", "'prompt' (a string) is required.", code: "missing_required_parameter")
        }
        let special = try p.bool("add_special_tokens") ?? false
        let wantOffsets = try p.bool("return_offsets") ?? false
        if special && wantOffsets {
            throw OpenAIError.param("return_offsets", "offsets are available for ordinary encoding only (add_special_tokens: false).")
        }
        var ids: [Int]
        var offsets: [[Int]]?
        if let tok = t.tokenizer {
            if special {
                ids = try tok.encode(text, allowedSpecial: .all).map(Int.init)
            } else if wantOffsets {
                let (i, o) = tok.encodeWithOffsets(text)
                ids = i.map(Int.init)
                offsets = o.map { [$0.lowerBound, $0.upperBound] }
            } else {
                ids = tok.encodeOrdinary(text).map(Int.init)
            }
        } else if let codec = t.codec {
            do { ids = try codec.encode(text).map(Int.init) } catch { throw OpenAIError.param("prompt", "\(error)") }
            if wantOffsets {
                var pos = 0
                offsets = ids.map { id in
                    let n = codec.bytes(of: Int32(id)).count
                    defer { pos += n }
                    return [pos, pos + n]
                }
            }
        } else {
            throw OpenAIError(.badRequest, "no tokenizer", param: "model")
        }
        var out: [String: Any] = ["tokens": ids, "count": ids.count]
        if let c = t.context { out["max_model_len"] = c }
        if let offsets { out["offsets"] = offsets }
        return out
    }

    static func detokenize(_ p: Params, state: ServerState) throws -> [String: Any] {
        let t = try target(p, state: state)
        guard case .array(let list)? = p.value("tokens") else {
            throw OpenAIError.param("tokens", "'tokens' (an array of token ids) is required.", code: "missing_required_parameter")
        }
        var bytes: [UInt8] = []
        for (i, v) in list.enumerated() {
            guard case .number(let d) = v, d.rounded() == d, d >= 0, d < Double(t.vocabularySize) else {
                throw OpenAIError.param("tokens", "tokens[\(i)] is not a token id of this tokenizer (0..<\(t.vocabularySize)).")
            }
            bytes += t.codec?.bytes(of: Int32(d)) ?? []
        }
        return ["prompt": String(decoding: bytes, as: UTF8.self), "count": list.count]
    }
}

/// Named encodings loaded once, on first use, and shared.
final class NamedTokenizers: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: Tokenizer] = [:]

    func get(_ name: String) throws -> Tokenizer {
        lock.lock(); defer { lock.unlock() }
        if let t = cache[name] { return t }
        let t = try Tokenizer.named(name)
        cache[name] = t
        return t
    }
}
