import AIGCTokenizer
import Foundation
import Testing

/// `Tokenizer.resolve`: the one precedence order for tokenizer arguments (a named encoding, then a file).
@Suite struct ResolveTests {
    @Test func namesThenFilesThenAClearError() throws {
        #expect(try Tokenizer.resolve("cl100k_base").name == "cl100k_base")
        let file = TF.url("hf-bytelevel.json").path
        let fromFile = try Tokenizer.resolve(file)
        #expect(fromFile.encodeOrdinary("hello world") == (try Tokenizer(contentsOf: TF.url("hf-bytelevel.json"))).encodeOrdinary("hello world"))
        #expect {
            try Tokenizer.resolve("no_such_encoding")
        } throws: { e in
            "\(e)".contains("\"no_such_encoding\"") && "\(e)".contains("unknown encoding and no such file") && "\(e)".contains("o200k_base")
        }
    }
}
