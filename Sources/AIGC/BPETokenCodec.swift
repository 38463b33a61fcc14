import AIGCModel
import AIGCTokenizer
import Foundation

/// Adapts a BPE `Tokenizer` to the model module's `TokenCodec`, so `Generator` can take text prompts and return
/// text for models trained on BPE ids (the model module itself never imports the tokenizer).
///
/// Prompts are encoded with every special token recognized (`allowedSpecial: .all`): a prompt for a model trained
/// on chat-templated corpora contains the template's markers (`<|im_start|>` …) and they must become their ids.
/// `<|endoftext|>`, when the tokenizer has it, ends a completion with `finish_reason` "stop".
public struct BPETokenCodec: TokenCodec {
    public let tokenizer: Tokenizer

    public init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    public func encode(_ text: String) throws -> [Int32] {
        try tokenizer.encode(text, allowedSpecial: .all).map { Int32(bitPattern: $0) }
    }

    public func bytes(of token: Int32) -> [UInt8] {
        token >= 0 ? tokenizer.tokenBytes(UInt32(token)) ?? [] : []
    }

    public var endOfText: Int32? { tokenizer.specialTokens["<|endoftext|>"].map { Int32(bitPattern: $0) } }
}

/// Loads the codec a generation or export names: a nanoGPT character `meta.json` (a JSON object with `itos`), a
/// named encoding (`cl100k_base` …), an HF `tokenizer.json`, a `.tiktoken` file or GPT-2 `encoder.json`.
public enum TokenCodecLoader {
    public static func load(_ spec: String) throws -> any TokenCodec {
        if let t = try loadBPE(spec) { return BPETokenCodec(t) }
        return try CharacterCodec(metaJSON: URL(fileURLWithPath: spec))
    }

    /// The BPE tokenizer `spec` names, or nil when `spec` is a character `meta.json`.
    public static func loadBPE(_ spec: String) throws -> Tokenizer? {
        if NamedEncoding.named(spec) == nil, isCharacterMeta(URL(fileURLWithPath: spec)) { return nil }
        return try Tokenizer.resolve(spec)
    }

    /// Throws unless the ids of `tok` (named `spec` on the command line) fit a model of `vocabularySize` ids.
    public static func ensureFits(_ tok: Tokenizer, spec: String, vocabularySize: Int) throws {
        guard tok.vocabularySize <= vocabularySize else {
            throw AIGCError.usage("tokenizer \(spec) has \(tok.vocabularySize) ids but the model's vocabulary is \(vocabularySize)")
        }
    }

    /// True for nanoGPT's `meta.json`: a small JSON object with an `itos` array.
    static func isCharacterMeta(_ url: URL) -> Bool {
        guard url.pathExtension == "json", let data = try? Data(contentsOf: url), data.count < 64 << 20,
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return obj["itos"] != nil
    }

    /// The codec stored with a model: the tokenizer its `aigc-model.json` names (a named encoding or a file in
    /// the directory), else `meta.json` (character level) or `tokenizer.json` (BPE), if either exists.
    public static func load(modelDirectory dir: URL) throws -> (any TokenCodec)? {
        if let spec = try ModelCard.load(directory: dir)?.tokenizer {
            if NamedEncoding.named(spec) != nil { return try load(spec) }
            guard !spec.contains("/"), !spec.contains("..") else {
                throw AIGCError.input(location: dir.appendingPathComponent(ModelCard.fileName).path,
                                      message: "tokenizer '\(spec)' must be a named encoding or a file name in the model directory")
            }
            return try load(dir.appendingPathComponent(spec).path)
        }
        for name in ["meta.json", "tokenizer.json"] {
            let f = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: f.path) { return try load(f.path) }
        }
        return nil
    }
}
