import AIGC
import Foundation
import Testing

/// The umbrella module's adapters: `TokenCodecLoader` resolves through `Tokenizer.resolve`, and treats a nanoGPT
/// `meta.json` as a character codec.
@Suite struct TokenCodecLoaderTests {
    @Test func namesFilesAndCharacterVocabularies() throws {
        let bpe = try #require(try TokenCodecLoader.loadBPE("cl100k_base"))
        #expect(bpe.name == "cl100k_base")
        let codec = try TokenCodecLoader.load("cl100k_base")
        #expect(try codec.encode("hello world") == [15339, 1917])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let meta = dir.appendingPathComponent("meta.json")
        try Data(#"{"vocab_size": 3, "itos": ["a", "b", "c"]}"#.utf8).write(to: meta)
        #expect(try TokenCodecLoader.loadBPE(meta.path) == nil)
        #expect(throws: (any Error).self) { try TokenCodecLoader.load(dir.appendingPathComponent("missing.json").path) }
    }
}
