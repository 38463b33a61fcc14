import AIGC
@testable import AIGCServe
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route, with OpenAI's response shapes.
@Suite struct RouteTests {
    @Test func healthModelsAndMetrics() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let (hs, health, _) = try await client.get("/health")
            #expect(hs == 200 && health?["status"] as? String == "ok")
            let (ls, list, _) = try await client.get("/v1/models")
            #expect(ls == 200 && list?["object"] as? String == "list")
            let data = list?["data"] as? [[String: Any]] ?? []
            #expect(data.map { $0["id"] as? String } == ["tiny"])
            #expect(data.first?["object"] as? String == "model" && data.first?["owned_by"] as? String == "aigc" && data.first?["created"] is Int)
            let (ms, one, _) = try await client.get("/v1/models/tiny")
            #expect(ms == 200 && one?["id"] as? String == "tiny")
            let (us, unknown, _) = try await client.get("/v1/models/nope")
            #expect(us == 404 && errorObject(unknown)?["code"] as? String == "model_not_found")
            _ = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"hi","max_tokens":3,"temperature":0}"#)
            let (_, _, metrics) = try await client.get("/metrics")
            for name in ["aigc_requests_total", "aigc_prompt_tokens_total", "aigc_completion_tokens_total", "aigc_queue_depth",
                         "aigc_batch_size", "aigc_time_to_first_token_seconds", "aigc_request_duration_seconds"] {
                #expect(metrics.contains(name), "missing \(name)")
            }
            #expect(metrics.contains(#"route="/v1/completions""#) && metrics.contains(#"status="200""#))
        }
        state.shutdownEngines()
    }

    @Test func healthIs503WhileLoadingAndDraining() async throws {
        var c = ServeConfiguration()
        c.models = [.init(id: "tiny", directory: ServeFixture.modelDirectory)]
        let state = ServerState(configuration: c)  // models not loaded yet
        try await ServeFixture.app(state).test(.router) { client in
            let (s, o, _) = try await client.get("/health")
            #expect(s == 503 && o?["status"] as? String == "loading")
            let (cs, co, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"hi"}"#)
            #expect(cs == 503 && errorObject(co)?["code"] as? String == "loading")
            try state.loadModels()
            #expect(try await client.get("/health").0 == 200)
            state.setPhase(.draining)
            let (ds, d, _) = try await client.get("/health")
            #expect(ds == 503 && d?["status"] as? String == "draining")
            #expect(try await client.get("/v1/models").0 == 503)
        }
        state.shutdownEngines()
    }

    @Test func completionShapeUsageAndDeterminism() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let body = #"{"model":"tiny","prompt":"hello world","max_tokens":7,"temperature":0.8,"seed":5,"n":2,"user":"u1"}"#
            let (s, o, raw) = try await client.post("/v1/completions", body)
            #expect(s == 200, "\(raw)")
            #expect((o?["id"] as? String)?.hasPrefix("cmpl-") == true && o?["object"] as? String == "text_completion")
            #expect(o?["model"] as? String == "tiny" && o?["created"] is Int)
            let choices = o?["choices"] as? [[String: Any]] ?? []
            #expect(choices.map { $0["index"] as? Int } == [0, 1])
            for c in choices {
                #expect(["stop", "length"].contains(c["finish_reason"] as? String))
                #expect(c["text"] is String && c["logprobs"] is NSNull)
            }
            let usage = o?["usage"] as? [String: Int]
            let promptTokens = try Tokenizer(contentsOf: ServeFixture.modelDirectory.appendingPathComponent("tokenizer.json")).encodeOrdinary("hello world").count
            #expect(usage?["prompt_tokens"] == promptTokens)
            #expect((usage?["completion_tokens"] ?? 0) >= 2 && usage?["total_tokens"] == (usage?["prompt_tokens"] ?? 0) + (usage?["completion_tokens"] ?? 0))
            // Same seed, same answer.
            let (_, again, _) = try await client.post("/v1/completions", body)
            #expect((again?["choices"] as? [[String: Any]])?.map { $0["text"] as? String } == choices.map { $0["text"] as? String })
        }
        state.shutdownEngines()
    }

    @Test func legacyEngineRouteWithNullStopAndTokenPrompts() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            // openai 0.28: engine in the path, no model in the body, stop: null.
            let (s, o, raw) = try await client.post("/v1/engines/tiny/completions",
                                                     #"{"prompt":"What are the benefits of exercise?","max_tokens":20,"n":1,"stop":null,"temperature":0.7}"#)
            #expect(s == 200, "\(raw)")
            #expect((o?["choices"] as? [[String: Any]])?.count == 1 && o?["model"] as? String == "tiny")
            let (s2, o2, raw2) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":[[5,6,7],[8,9]],"max_tokens":3,"n":2,"temperature":0}"#)
            #expect(s2 == 200, "\(raw2)")
            #expect((o2?["choices"] as? [[String: Any]])?.map { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect((o2?["usage"] as? [String: Int])?["prompt_tokens"] == 5)
        }
        state.shutdownEngines()
    }

    @Test func stopEchoAndLogprobs() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let (_, free, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"the cat","max_tokens":40,"temperature":1,"seed":3}"#)
            let text = ((free?["choices"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            // Pick a stop string from the free text: the stopped text is the free text cut before it.
            // A stop string from printable ASCII in the free text (a random model also emits invalid UTF-8, shown as
            // U+FFFD, which no stop string matches byte for byte).
            let chars = Array(text)
            let stop = (2..<max(2, chars.count - 1)).map { String(chars[$0 ... $0 + 1]) }
                .first { $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } } ?? "zz"
            let (_, cut, raw) = try await client.post("/v1/completions",
                #"{"model":"tiny","prompt":"the cat","max_tokens":40,"temperature":1,"seed":3,"stop":["# + JSONOut.string(stop) + "]}")
            let c = (cut?["choices"] as? [[String: Any]])?.first
            if let r = text.range(of: stop) {
                #expect(c?["text"] as? String == String(text[..<r.lowerBound]), "\(raw)")
                #expect(c?["finish_reason"] as? String == "stop")
            }
            let (_, echoed, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"the cat","max_tokens":4,"temperature":0,"echo":true}"#)
            #expect(((echoed?["choices"] as? [[String: Any]])?.first?["text"] as? String)?.hasPrefix("the cat") == true)
            let (_, lp, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"the cat","max_tokens":4,"temperature":0,"logprobs":2}"#)
            let l = (lp?["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any]
            let tl = l?["token_logprobs"] as? [Double] ?? []
            #expect(tl.count == (l?["tokens"] as? [String])?.count && !tl.isEmpty && tl.allSatisfy { $0 <= 0 })
            #expect((l?["top_logprobs"] as? [[String: Double]])?.allSatisfy { !$0.isEmpty && $0.count <= 2 } == true)
            #expect((l?["text_offset"] as? [Int])?.count == tl.count)
        }
        state.shutdownEngines()
    }

    @Test func chatUsesTheTemplateAndStreams() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let msgs = #"[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi <|im_end|> there"}]"#
            let (s, o, raw) = try await client.post("/v1/chat/completions", #"{"model":"tiny","messages":"# + msgs + #","max_tokens":8,"temperature":0,"logprobs":true,"top_logprobs":2}"#)
            #expect(s == 200, "\(raw)")
            #expect((o?["id"] as? String)?.hasPrefix("chatcmpl-") == true && o?["object"] as? String == "chat.completion")
            let choice = (o?["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any]
            #expect(message?["role"] as? String == "assistant" && message?["content"] is String)
            let content = (choice?["logprobs"] as? [String: Any])?["content"] as? [[String: Any]]
            #expect(content?.first?["bytes"] is [Int] && (content?.first?["top_logprobs"] as? [[String: Any]])?.count == 2)
            // The prompt is the ChatML rendering; a typed <|im_end|> stays text (more prompt tokens than one special).
            let tok = try Tokenizer(contentsOf: ServeFixture.modelDirectory.appendingPathComponent("tokenizer.json"))
            let chat = try ChatPrompt(template: .chatml, tokenizer: tok, vocabularySize: tok.vocabularySize)
            let expected = try chat.render([.system("Be brief."), .user("Hi <|im_end|> there")])
            #expect((o?["usage"] as? [String: Int])?["prompt_tokens"] == expected.count)
            #expect(expected.filter { $0 == Int32(tok.specialTokens["<|im_end|>"] ?? 0) }.count == 2)

            let (ss, _, stream) = try await client.post("/v1/chat/completions",
                #"{"model":"tiny","messages":"# + msgs + #","max_tokens":6,"temperature":0,"stream":true,"n":2,"stream_options":{"include_usage":true}}"#)
            #expect(ss == 200)
            let events = sseEvents(stream)
            #expect(events.last == "[DONE]")
            let chunks = events.dropLast().compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(chunks.count == events.count - 1)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let usageChunk = chunks.last
            #expect((usageChunk?["choices"] as? [Any])?.isEmpty == true && usageChunk?["usage"] is [String: Int])
            var texts = [Int: String]()
            var finished = Set<Int>()
            for c in chunks.dropLast() {
                for ch in c["choices"] as? [[String: Any]] ?? [] {
                    let i = ch["index"] as? Int ?? -1
                    texts[i, default: ""] += ((ch["delta"] as? [String: Any])?["content"] as? String) ?? ""
                    if ch["finish_reason"] is String { finished.insert(i) }
                }
            }
            #expect(finished == [0, 1] && Set(texts.keys) == [0, 1])
            // Streamed text equals the non-streamed reply.
            let (_, whole, _) = try await client.post("/v1/chat/completions", #"{"model":"tiny","messages":"# + msgs + #","max_tokens":6,"temperature":0}"#)
            let wholeText = (((whole?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
            #expect(texts[0] == wholeText)
        }
        state.shutdownEngines()
    }

    @Test func completionStreamMatchesTheWholeResponse() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let (_, whole, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"once","max_tokens":12,"temperature":0.9,"seed":11,"stop":["a"]}"#)
            let (s, _, stream) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"once","max_tokens":12,"temperature":0.9,"seed":11,"stop":["a"],"stream":true}"#)
            #expect(s == 200)
            let events = sseEvents(stream)
            #expect(events.last == "[DONE]")
            var text = ""
            var reason: String?
            for e in events.dropLast() {
                let o = try JSONSerialization.jsonObject(with: Data(e.utf8)) as? [String: Any]
                #expect(o?["object"] as? String == "text_completion")
                let ch = (o?["choices"] as? [[String: Any]])?.first
                text += ch?["text"] as? String ?? ""
                if let r = ch?["finish_reason"] as? String { reason = r }
            }
            let w = (whole?["choices"] as? [[String: Any]])?.first
            #expect(text == w?["text"] as? String && reason == w?["finish_reason"] as? String)
        }
        state.shutdownEngines()
    }

    @Test func tokenizeAndDetokenize() async throws {
        let state = try ServeFixture.state()
        try await ServeFixture.app(state).test(.router) { client in
            let (s, o, raw) = try await client.post("/v1/tokenize", #"{"model":"tiny","prompt":"hello world","return_offsets":true}"#)
            #expect(s == 200, "\(raw)")
            let ids = o?["tokens"] as? [Int] ?? []
            #expect(!ids.isEmpty && o?["count"] as? Int == ids.count && o?["max_model_len"] as? Int == 96)
            let offsets = o?["offsets"] as? [[Int]] ?? []
            #expect(offsets.count == ids.count && offsets.first?.first == 0 && offsets.last?.last == 11)
            let (_, d, _) = try await client.post("/v1/detokenize", #"{"model":"tiny","tokens":"# + "\(ids)" + "}")
            let tok = try Tokenizer(contentsOf: ServeFixture.modelDirectory.appendingPathComponent("tokenizer.json"))
            #expect(d?["prompt"] as? String == String(decoding: tok.decode(ids.map(UInt32.init)), as: UTF8.self))
            #expect((d?["prompt"] as? String)?.hasSuffix("hello world") == true)
            let (cs, c, _) = try await client.post("/v1/tokenize", #"{"encoding":"cl100k_base","prompt":"hello world"}"#)
            #expect(cs == 200 && c?["tokens"] as? [Int] == [15339, 1917])
            let (ss, sp, _) = try await client.post("/v1/tokenize", #"{"model":"tiny","prompt":"<|im_end|>","add_special_tokens":true}"#)
            #expect(ss == 200 && (sp?["tokens"] as? [Int])?.count == 1)
        }
        state.shutdownEngines()
    }
}

extension JSONOut {
    static func string(_ s: String) -> String { String(decoding: bytes([s]), as: UTF8.self).dropFirst().dropLast().description }
}
