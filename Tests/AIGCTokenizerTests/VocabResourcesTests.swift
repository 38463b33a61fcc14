import AIGCTokenizer
import AIGCVocab
import Foundation
import Testing

/// `Vocab/` as SwiftPM resources: the bundle SwiftPM builds beside the test binary holds both shipped
/// vocabularies, byte-identical to the checkout's, and the locator finds them there before any path search.
@Suite struct VocabResourcesTests {
    @Test func bundledVocabulariesAreFoundFirst() throws {
        let dir = try #require(VocabResources.directory, "SwiftPM's resource bundle AIGC_AIGCVocab is missing beside the test binary")
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vocab")
        for name in ["cl100k_base.tiktoken", "o200k_base.tiktoken"] {
            let bundled = dir.appendingPathComponent(name)
            #expect(try Data(contentsOf: bundled) == Data(contentsOf: checkout.appendingPathComponent(name)), "\(name)")
        }
        if ProcessInfo.processInfo.environment["AIGC_VOCAB_DIR"] == nil {
            #expect(VocabLocator.candidates().first?.standardizedFileURL == dir.standardizedFileURL)
            #expect(try VocabLocator.find("o200k_base.tiktoken").deletingLastPathComponent().standardizedFileURL == dir.standardizedFileURL)
        }
        #expect(try Tokenizer.named("o200k_base").encodeOrdinary("hello world") == [24912, 2375])
    }
}
