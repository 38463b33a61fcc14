import AIGC
import Foundation
import Testing

/// The error message `body` throws ("" when it does not throw).
private func message(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch { return "\(error)" }
}

/// The model store: names, listing, registering, removing, resolving names and paths, and clear errors.
@Suite struct ModelStoreTests {
    static func tempDir(_ name: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// A real (tiny) model directory: pretrain writes config.json and model.safetensors the same way.
    static func makeModel(at dir: URL, tokenizerJSON: Bool = true) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = GPTConfig(vocabSize: 16, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, dropout: 0)
        let model = try GPTModel(config: config, seed: 1)
        _ = try model.save(directory: dir)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("optimizer.safetensors"))
        if tokenizerJSON { try Data("{\"stand-in\": true}".utf8).write(to: dir.appendingPathComponent("tokenizer.json")) }
    }

    @Test func names() {
        for good in ["aigc-small", "a", "Model_2.v1", "x-" + String(repeating: "a", count: 62)] {
            #expect(ModelStore.isValid(name: good), "\(good)")
        }
        for bad in ["", "..", "a/b", "../x", "a..b", ".hidden", "-flag", "_x", "white space", "ünï", "a\u{0}b",
                    String(repeating: "a", count: 65), "/abs"] {
            #expect(!ModelStore.isValid(name: bad), "\(bad)")
            #expect(message { try ModelStore.validate(name: bad) }.contains("not a valid model name"))
        }
    }

    @Test func defaultRoot() {
        #expect(ModelStore.defaultRoot(environment: ["AIGC_MODELS": "/srv/models", "HOME": "/home/u"]).path == "/srv/models")
        #expect(ModelStore.defaultRoot(environment: ["HOME": "/home/u"]).path == "/home/u/.cache/aigc/models")
        #expect(ModelStore.defaultRoot(environment: ["AIGC_MODELS": "", "HOME": "/home/u"]).path == "/home/u/.cache/aigc/models")
    }

    @Test func registerListShowResolveRemove() throws {
        let tmp = try Self.tempDir("store")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let store = ModelStore(root: tmp.appendingPathComponent("models"))
        #expect(try store.list().isEmpty)
        #expect(message { _ = try store.resolve("nope") }.contains("the store is empty"))

        let run = tmp.appendingPathComponent("run")
        try Self.makeModel(at: run)
        let card = ModelCard(tokenizer: "tokenizer.json", chatTemplate: "chatml", trainedFrom: ["corpus": "x"], metrics: ["val_loss": 2.5])
        let dir = try store.register(run, as: "zeta", card: card)
        try store.register(run, as: "alpha", card: ModelCard(tokenizer: "cl100k_base"))
        #expect(dir.lastPathComponent == "zeta")
        // Optimizer state is not copied; the card is written with the registered name.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("optimizer.safetensors").path))
        for f in ["config.json", "model.safetensors", "tokenizer.json", "aigc-model.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        let saved = try #require(try ModelCard.load(directory: dir))
        #expect(saved.name == "zeta" && saved.chatTemplate == "chatml" && saved.metrics["val_loss"] == 2.5)

        let entries = try store.list()
        #expect(entries.map(\.name) == ["alpha", "zeta"])
        #expect(entries.allSatisfy { $0.problem == nil })
        #expect(try store.show("alpha").card?.tokenizer == "cl100k_base")

        // Names resolve into the store; paths resolve to themselves.
        #expect(try store.resolve("zeta").path == dir.path)
        #expect(try store.resolve(run.path).path == run.standardizedFileURL.path)
        let unknown = message { _ = try store.resolve("aigc-large") }
        #expect(unknown.contains("no model named 'aigc-large'") && unknown.contains("models: alpha, zeta"), "\(unknown)")

        // Registering over an existing name needs replace.
        #expect(message { try store.register(run, as: "zeta") }.contains("already exists"))
        try store.register(run, as: "zeta", card: ModelCard(chatTemplate: "plain"), replace: true)
        #expect(try ModelCard.load(directory: dir)?.chatTemplate == "plain")

        try store.remove("zeta")
        #expect(try store.list().map(\.name) == ["alpha"])
        #expect(message { try store.remove("zeta") }.contains("models: alpha"))
        #expect(message { try store.remove("../run") }.contains("not a valid model name"))
        #expect(FileManager.default.fileExists(atPath: run.path), "remove never leaves the store")
        // Nothing but the models themselves is left in the store (no staging or trash directories).
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.path) == ["alpha"])
    }

    @Test func directoriesThatAreNotModels() throws {
        let tmp = try Self.tempDir("store-bad")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let store = ModelStore(root: tmp.appendingPathComponent("models"))
        let empty = tmp.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let e1 = message { _ = try store.resolve(empty.path) }
        #expect(e1.contains(empty.path) && e1.contains("not a model directory (no config.json, model.safetensors)"), "\(e1)")
        #expect(message { _ = try store.resolve(tmp.appendingPathComponent("missing").path) }.contains("no such directory"))
        #expect(message { try store.register(empty, as: "x") }.contains("not a model directory"))
        #expect(message { _ = try store.resolve("bad/../name") }.contains("no such directory"))
        #expect(message { _ = try store.resolve("white space") }.contains("not a valid model name"))

        // A broken entry in the store is listed with its problem, and resolving it says what is wrong.
        let broken = store.root.appendingPathComponent("broken")
        try Self.makeModel(at: broken)
        try FileManager.default.removeItem(at: broken.appendingPathComponent("model.safetensors"))
        let entries = try store.list()
        #expect(entries.count == 1 && entries[0].problem?.contains("model.safetensors") == true)
        #expect(message { _ = try store.resolve("broken") }.contains("model 'broken'"))

        // A card with an unknown chat template is a problem too, naming the file.
        let odd = store.root.appendingPathComponent("odd")
        try Self.makeModel(at: odd)
        try Data(#"{"format": "aigc-model/1", "chat_template": "vicuna"}"#.utf8).write(to: odd.appendingPathComponent("aigc-model.json"))
        let e2 = message { _ = try store.resolve("odd") }
        #expect(e2.contains("aigc-model.json") && e2.contains("vicuna"), "\(e2)")

        // A card naming a tokenizer file that is not there cannot be registered.
        let run = tmp.appendingPathComponent("run")
        try Self.makeModel(at: run, tokenizerJSON: false)
        #expect(message { try store.register(run, as: "y", card: ModelCard(tokenizer: "tok.json")) }.contains("tok.json"))
        #expect(message { try store.register(run, as: "y", card: ModelCard(tokenizer: "../x.json")) }.contains("../x.json"))
    }
}
