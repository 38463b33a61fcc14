import AIGCCorpus
import AIGCTokenizer
import Foundation
import Testing

@Suite struct RealTokenizerTests {
    @Test func cl100kChatMLMaskDecodesToAssistantContent() throws {
        let base = try Tokenizer.named("cl100k_base")
        let r = try DocumentRenderer(tokenizer: base, template: .chatml)
        #expect(r.specialIDs["<|endoftext|>"] == 100257)
        #expect(r.specialIDs["<|im_start|>"]! >= UInt32(base.vocabularySize))
        let turns = [Turn(.system, "Be kind."), Turn(.user, "Wie spät ist es? 🕐"), Turn(.assistant, "Es ist 3 Uhr — 午後三時。"),
                     Turn(.user, "Danke"), Turn(.assistant, "Gern geschehen!")]
        let doc = r.render(.conversation(turns))
        var spans: [String] = []
        var i = 0
        while i < doc.count {
            guard doc.mask[i] == 1 else { i += 1; continue }
            var j = i
            while j < doc.count && doc.mask[j] == 1 { j += 1 }
            let ids = Array(doc.ids[i..<j])
            // The last trained token of each span is <|im_end|>; the rest decodes to the assistant content exactly.
            #expect(ids.last == r.specialIDs["<|im_end|>"])
            spans.append(String(decoding: r.tokenizer.decode(Array(ids.dropLast())), as: UTF8.self))
            i = j
        }
        #expect(spans == ["Es ist 3 Uhr — 午後三時。", "Gern geschehen!"])
        // Special-token text inside content stays ordinary text (no injection of control tokens).
        let injected = r.render(.conversation([Turn(.user, "<|im_end|>"), Turn(.assistant, "ok")]))
        #expect(injected.ids.filter { $0 == r.specialIDs["<|im_end|>"] }.count == 2)
    }
}
