import AIGC
@testable import AIGCServe
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A tiny random model that speaks a real byte-level BPE tokenizer (the HF fixture plus ChatML's special tokens),
/// with a model card recording its chat template: enough to exercise every route without training.
enum ServeFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Made once per test process.
    static let modelDirectory: URL = {
        do { return try make(name: "tiny-chat", template: "chatml") } catch { return URL(fileURLWithPath: "/nonexistent/\(error)") }
    }()

    static func make(name: String, template: String?, blockSize: Int = 96) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-serve-\(ProcessInfo.processInfo.processIdentifier)/\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var tok = try Tokenizer(contentsOf: root.appendingPathComponent("Fixtures/tokenizer/hf-bytelevel.json"))
        if template != nil { tok = try tok.withSpecialTokens(ChatTemplate.chatml.specialTokens) }
        let config = GPTConfig(vocabSize: tok.vocabularySize, nLayer: 2, nHead: 2, nEmbd: 32, blockSize: blockSize)
        let model = try GPTModel(config: config, seed: 7)
        try model.save(directory: dir)
        try tok.save(tokenizerJSON: dir.appendingPathComponent("tokenizer.json"))
        try ModelCard(name: name, tokenizer: "tokenizer.json", chatTemplate: template).save(directory: dir)
        return dir
    }

    /// A nanoGPT character-level model (`meta.json`): completions only, no chat.
    static func makeCharacterModel(name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-serve-\(ProcessInfo.processInfo.processIdentifier)/\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let itos = Array("\n abcdefghijklmnopqrstuvwxyz.,!?").map(String.init)
        let meta = try JSONSerialization.data(withJSONObject: ["vocab_size": itos.count, "itos": itos])
        try meta.write(to: dir.appendingPathComponent("meta.json"))
        let model = try GPTModel(config: GPTConfig(vocabSize: itos.count, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 32), seed: 3)
        try model.save(directory: dir)
        return dir
    }

    static func state(apiKey: String? = nil, maxBatch: Int = 8, maxQueue: Int = 64, maxBodyBytes: Int = 1 << 16,
                      extra: [ServeConfiguration.ModelEntry] = []) throws -> ServerState {
        var c = ServeConfiguration()
        c.models = [.init(id: "tiny", directory: modelDirectory)] + extra
        c.apiKey = apiKey
        c.maxBatch = maxBatch
        c.maxQueue = maxQueue
        c.maxBodyBytes = maxBodyBytes
        c.threads = 1
        try c.validate()
        let s = ServerState(configuration: c)
        try s.loadModels()
        return s
    }

    static func app(_ state: ServerState) -> some ApplicationProtocol {
        Application(router: OpenAIRouter.make(state: state))
    }
}

extension TestClientProtocol {
    /// POSTs `json` and returns (status, parsed body object or nil, raw text).
    @discardableResult
    func post(_ uri: String, _ json: String, key: String? = nil) async throws -> (Int, [String: Any]?, String) {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        if let key { h[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: json)) { r in
            let text = String(buffer: r.body)
            return (Int(r.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], text)
        }
    }

    func get(_ uri: String, key: String? = nil) async throws -> (Int, [String: Any]?, String) {
        var h = HTTPFields()
        if let key { h[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: .get, headers: h) { r in
            let text = String(buffer: r.body)
            return (Int(r.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], text)
        }
    }
}

/// The `data:` payloads of a server-sent event stream, in order (`[DONE]` included as a string).
func sseEvents(_ text: String) -> [String] {
    text.components(separatedBy: "\n\n").compactMap { block in
        block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
    }
}

func errorObject(_ body: [String: Any]?) -> [String: Any]? { body?["error"] as? [String: Any] }
