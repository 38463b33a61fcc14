import AIGCCore
import Foundation

/// Text ↔ token ids for generation. The model module does not depend on the tokenizer module; the CLI adapts
/// whichever tokenizer a model uses to this protocol. `decode` of a concatenation must equal the concatenation
/// of decodes (true for character-level and byte-level BPE vocabularies), so generated text is assembled per token.
public protocol TokenCodec: Sendable {
    func encode(_ text: String) throws -> [Int32]
    /// The bytes (UTF-8 for text) of one token.
    func bytes(of token: Int32) -> [UInt8]
    /// A token that ends a completion (finish_reason "stop"), if the vocabulary has one.
    var endOfText: Int32? { get }
}

/// nanoGPT's character-level `meta.json` (`{"vocab_size", "itos": [chars]}`), as written by
/// `make_char_dataset.py`.
public struct CharacterCodec: TokenCodec {
    public let itos: [String]
    let stoi: [String: Int32]

    public init(itos: [String]) {
        self.itos = itos
        var m: [String: Int32] = [:]
        for (i, s) in itos.enumerated() { m[s] = Int32(i) }
        stoi = m
    }

    public init(metaJSON url: URL) throws {
        let data = try FileContents.read(url)
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let itos = obj["itos"] as? [String] else {
            throw AIGCError.input(location: url.path, message: "expected a JSON object with an 'itos' array of strings")
        }
        self.init(itos: itos)
    }

    public func encode(_ text: String) throws -> [Int32] {
        var out: [Int32] = []
        var offset = 0
        for ch in text {
            let s = String(ch)
            guard let id = stoi[s] else {
                throw AIGCError.input(location: "prompt: byte \(offset)", message: "character \(s.debugDescription) is not in the vocabulary")
            }
            out.append(id)
            offset += s.utf8.count
        }
        return out
    }

    public func bytes(of token: Int32) -> [UInt8] {
        token >= 0 && Int(token) < itos.count ? Array(itos[Int(token)].utf8) : []
    }

    public var endOfText: Int32? { nil }
}
