import AIGCCorpus
import Testing

@Suite struct TemplateTests {
    let turns = [Turn(.system, "Sys"), Turn(.user, "Hi"), Turn(.assistant, "Hello!"), Turn(.user, "Bye"), Turn(.assistant, "Ciao")]

    func render(_ t: ChatTemplate, _ turns: [Turn], trainOnPrompt: Bool = false) throws -> (String, [String], DocumentRenderer<ByteLevelTokenizer>, TokenizedDocument) {
        let r = try DocumentRenderer(tokenizer: ByteLevelTokenizer(), template: t)
        let doc = r.render(.conversation(turns), trainOnPrompt: trainOnPrompt)
        let text = String(decoding: r.tokenizer.decode(doc.ids), as: UTF8.self)
        // Trained spans, decoded.
        var spans: [String] = []
        var i = 0
        while i < doc.count {
            if doc.mask[i] == 1 {
                var j = i
                while j < doc.count && doc.mask[j] == 1 { j += 1 }
                spans.append(String(decoding: r.tokenizer.decode(Array(doc.ids[i..<j])), as: UTF8.self))
                i = j
            } else { i += 1 }
        }
        return (text, spans, r, doc)
    }

    @Test func chatml() throws {
        let (text, spans, r, _) = try render(.chatml, turns)
        #expect(text == "<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\nCiao<|im_end|>\n")
        #expect(spans == ["Hello!<|im_end|>", "Ciao<|im_end|>"])
        #expect(r.specialIDs["<|im_start|>"] == 257 && r.specialIDs["<|im_end|>"] == 258 && r.specialIDs["<|endoftext|>"] == 256)
    }

    @Test func llama3() throws {
        let (text, spans, _, _) = try render(.llama3, Array(turns[1...2]))
        #expect(text == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>")
        #expect(spans == ["Hello!<|eot_id|>"])
    }

    @Test func plain() throws {
        let (text, spans, _, _) = try render(.plain, Array(turns[1...2]))
        #expect(text == "User: Hi\nAssistant: Hello!\n<|endoftext|>")
        #expect(spans == ["Hello!\n<|endoftext|>"])
    }

    @Test func weightZeroTurnsAndTrainOnPrompt() throws {
        let t = [Turn(.user, "a"), Turn(.assistant, "b", trainable: false), Turn(.user, "c"), Turn(.assistant, "d")]
        #expect(try render(.chatml, t).1 == ["d<|im_end|>"])
        let all = try render(.chatml, t, trainOnPrompt: true)
        #expect(all.1 == ["<|im_start|>user\na<|im_end|>\n", "<|im_start|>user\nc<|im_end|>\n<|im_start|>assistant\nd<|im_end|>\n"])
    }

    @Test func fixedTextsAreIndexedAndPiecesAreTheVisitedOnes() throws {
        let expected: [ChatTemplate: [String]] = [
            .chatml: ["system\n", "user\n", "assistant\n", "\n"],
            .llama3: ["system", "user", "assistant", "\n\n"],
            .plain: ["System: ", "User: ", "Assistant: ", "\n"],
        ]
        for t in ChatTemplate.allCases {
            let fixed = t.fixedTexts
            #expect(fixed.map { String(decoding: $0.bytes, as: UTF8.self) } == expected[t])
            #expect(fixed.map(\.index) == [0, 1, 2, 3])
            var visited: [TemplatePiece] = []
            t.forEachPiece(turns, trainOnPrompt: true) { visited.append($0) }
            #expect(visited == t.pieces(turns, trainOnPrompt: true))
            // Every fixed piece is one of the template's fixed texts, at its index.
            for case .fixed(let f, _, _) in visited { #expect(fixed[f.index] == f) }
            #expect(visited.contains { if case .fixed(let f, _, _) = $0 { return f.index == 3 } else { return false } })
        }
    }

    @Test func truncationKeepsWholeTurns() throws {
        let (_, _, _, doc) = try render(.chatml, turns)
        // chatml turn = 1 + len(role\n) + len(content) + 2 tokens.
        let cut = doc.truncated(to: doc.turnEnds[2] + 5)!
        #expect(cut.count == doc.turnEnds[2])
        #expect(cut.ids == Array(doc.ids[0..<doc.turnEnds[2]]))
        // Too short for any trained turn: nothing to keep.
        #expect(doc.truncated(to: 10) == nil)
    }
}
