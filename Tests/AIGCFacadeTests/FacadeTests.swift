import AIGC
import Foundation
import Testing

/// `AIGC(modelName:)`: the seed's two-line API over the continuous-batching engine.
@Suite struct FacadeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A tiny random model with the HF fixture tokenizer (ChatML tokens) and a card naming the template.
    static let directory: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-facade-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let tok = try Tokenizer(contentsOf: root.appendingPathComponent("Fixtures/tokenizer/hf-bytelevel.json"))
            let model = try GPTModel(config: GPTConfig(vocabSize: tok.vocabularySize, nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 200), seed: 11)
            try model.save(directory: dir)
            try tok.save(tokenizerJSON: dir.appendingPathComponent("tokenizer.json"))
            try ModelCard(name: "facade", tokenizer: "tokenizer.json", chatTemplate: "chatml").save(directory: dir)
        } catch {
            return URL(fileURLWithPath: "/nonexistent/\(error)")
        }
        return dir
    }()

    @Test func generateChoicesStopAndChat() async throws {
        let model = try AIGC(modelName: Self.directory.path)
        let text = try await model.generate("What are the benefits of exercise?", maxTokens: 150, n: 1, stop: nil, temperature: 0.7, seed: 1)
        #expect(!text.isEmpty)
        let two = try await model.choices("hello", maxTokens: 10, n: 2, temperature: 1, seed: 5)
        #expect(two.map(\.index) == [0, 1] && two.allSatisfy { [.stop, .length].contains($0.finishReason) })
        // A stop sequence taken from printable ASCII of a free completion cuts it there.
        let free = try await model.generate("hello", maxTokens: 40, temperature: 1, seed: 8)
        let chars = Array(free)
        if let stop = (1..<max(1, chars.count - 1)).map({ String(chars[$0 ... $0 + 1]) })
            .first(where: { $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } }),
           let r = free.range(of: stop) {
            let cut = try await model.choices("hello", maxTokens: 40, stop: [stop], temperature: 1, seed: 8)
            #expect(cut.first?.text == String(free[..<r.lowerBound]) && cut.first?.finishReason == .stop)
        }
        let reply = try await model.chat([.system("Be brief."), .user("Hi!")], maxTokens: 12, temperature: 0)
        #expect(reply == (try await model.chat([.system("Be brief."), .user("Hi!")], maxTokens: 12, temperature: 0)))
    }

    @Test func streamingPiecesAddUpToTheText() async throws {
        let model = try AIGC(modelName: Self.directory.path)
        let whole = try await model.generate("once upon", maxTokens: 30, temperature: 0.9, seed: 3)
        var pieces: [String] = []
        for try await piece in try model.stream("once upon", maxTokens: 30, temperature: 0.9, seed: 3) { pieces.append(piece) }
        #expect(pieces.joined() == whole)
        #expect(pieces.count > 1)
    }

    @Test func concurrentCallsEqualSequentialCalls() async throws {
        let model = try AIGC(modelName: Self.directory.path, maxBatch: 8)
        let prompts = (0..<8).map { "prompt number \($0) is" }
        var sequential: [String] = []
        for (i, p) in prompts.enumerated() { sequential.append(try await model.generate(p, maxTokens: 20, temperature: 0.8, seed: UInt64(i))) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, p) in prompts.enumerated() {
                group.addTask { (i, try await model.generate(p, maxTokens: 20, temperature: 0.8, seed: UInt64(i))) }
            }
            var out = [String](repeating: "", count: prompts.count)
            for try await (i, t) in group { out[i] = t }
            return out
        }
        #expect(concurrent == sequential)
    }

    @Test func clearErrors() async throws {
        #expect(throws: AIGCError.self) { _ = try AIGC(modelName: "no-such-model-anywhere") }
        let model = try AIGC(modelName: Self.directory.path)
        await #expect(throws: AIGCError.self) { _ = try await model.generate("x", maxTokens: -1) }
        await #expect(throws: AIGCError.self) { _ = try await model.generate("x", temperature: 9) }
        await #expect(throws: AIGCError.self) { _ = try await model.generate(String(repeating: "word ", count: 400)) }
    }
}
