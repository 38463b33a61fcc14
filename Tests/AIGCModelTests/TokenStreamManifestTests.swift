import AIGCFormats
import Foundation
import Testing
@testable import AIGCModel

@Suite struct TokenStreamManifestTests {
    /// uint32 ids below 2^17 never contain 65535 in their uint16 view, so without the manifest's width they were
    /// read as twice as many uint16 ids.
    @Test func aUInt32CorpusIsReadAsUInt32() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aigc-tokenstream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ids: [UInt32] = [70_000, 5, 1, 0, 100_276]
        try ids.withUnsafeBytes { Data($0) }.write(to: dir.appendingPathComponent("train.bin"))
        var m = DatasetManifest(tokenizer: .init(name: "cl100k_base", sha256: "x", vocabularySize: 100_277))
        m.options["output_format"] = "nanogpt"
        m.tokenDType = "uint32"
        try m.encoded().write(to: dir.appendingPathComponent("manifest.json"))
        let s = try TokenStream.load(path: dir.appendingPathComponent("train.bin").path, format: .nanogpt, vocabSize: 100_277)
        #expect(s.tokens == [70_000, 5, 1, 0, 100_276])
        m.tokenDType = "uint8"
        try m.encoded().write(to: dir.appendingPathComponent("manifest.json"))
        #expect(throws: (any Error).self) { try TokenStream.load(path: dir.appendingPathComponent("train.bin").path, format: .nanogpt, vocabSize: 100_277) }
    }
}
