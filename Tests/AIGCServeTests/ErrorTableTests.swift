import AIGC
@testable import AIGCServe
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Bad requests: each gets its status and a well-formed OpenAI error object, and the server keeps serving.
@Suite struct ErrorTableTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var uri = "/v1/completions"
        var body: String
        var status: Int
        var param: String?
        var key: String? = "sk-test"
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"model":"tiny","prompt":"#, status: 400),
        Case(name: "not an object", body: #"[1,2,3]"#, status: 400),
        Case(name: "empty body", body: "", status: 400),
        Case(name: "deep nesting", body: String(repeating: "[", count: 60_000), status: 400),
        Case(name: "wrong type: max_tokens string", body: #"{"model":"tiny","prompt":"hi","max_tokens":"ten"}"#, status: 400, param: "max_tokens"),
        Case(name: "wrong type: temperature", body: #"{"model":"tiny","prompt":"hi","temperature":"hot"}"#, status: 400, param: "temperature"),
        Case(name: "temperature out of range", body: #"{"model":"tiny","prompt":"hi","temperature":5}"#, status: 400, param: "temperature"),
        Case(name: "n = 100000", body: #"{"model":"tiny","prompt":"hi","n":100000}"#, status: 400, param: "n"),
        Case(name: "n above the batch", body: #"{"model":"tiny","prompt":"hi","n":100}"#, status: 400, param: "n"),
        Case(name: "negative max_tokens", body: #"{"model":"tiny","prompt":"hi","max_tokens":-1}"#, status: 400, param: "max_tokens"),
        Case(name: "fractional max_tokens", body: #"{"model":"tiny","prompt":"hi","max_tokens":1.5}"#, status: 400, param: "max_tokens"),
        Case(name: "context exceeded", body: #"{"model":"tiny","prompt":"hi","max_tokens":5000}"#, status: 400, param: "max_tokens"),
        Case(name: "five stop strings", body: #"{"model":"tiny","prompt":"hi","stop":["a","b","c","d","e"]}"#, status: 400, param: "stop"),
        Case(name: "stop of wrong type", body: #"{"model":"tiny","prompt":"hi","stop":7}"#, status: 400, param: "stop"),
        Case(name: "bad token id", body: #"{"model":"tiny","prompt":[1,2,99999999]}"#, status: 400, param: "prompt"),
        Case(name: "prompt missing", body: #"{"model":"tiny"}"#, status: 400, param: "prompt"),
        Case(name: "prompt of wrong type", body: #"{"model":"tiny","prompt":{"a":1}}"#, status: 400, param: "prompt"),
        Case(name: "suffix", body: #"{"model":"tiny","prompt":"hi","suffix":"end"}"#, status: 400, param: "suffix"),
        Case(name: "best_of > n", body: #"{"model":"tiny","prompt":"hi","best_of":3}"#, status: 400, param: "best_of"),
        Case(name: "logprobs > 5", body: #"{"model":"tiny","prompt":"hi","logprobs":6}"#, status: 400, param: "logprobs"),
        Case(name: "logit_bias key", body: #"{"model":"tiny","prompt":"hi","logit_bias":{"x":1}}"#, status: 400, param: "logit_bias"),
        Case(name: "stream_options without stream", body: #"{"model":"tiny","prompt":"hi","stream_options":{"include_usage":true}}"#, status: 400, param: "stream_options"),
        Case(name: "model missing", body: #"{"prompt":"hi"}"#, status: 400, param: "model"),
        Case(name: "unknown model", body: #"{"model":"gpt-9","prompt":"hi"}"#, status: 404, param: "model"),
        Case(name: "unknown engine", uri: "/v1/engines/gpt-9/completions", body: #"{"prompt":"hi"}"#, status: 404, param: "model"),
        Case(name: "unknown route", uri: "/v1/nothing", body: "{}", status: 404),
        Case(name: "wrong key", body: #"{"model":"tiny","prompt":"hi"}"#, status: 401, key: "sk-wrong"),
        Case(name: "missing key", body: #"{"model":"tiny","prompt":"hi"}"#, status: 401, key: nil),
        Case(name: "oversized body", body: #"{"model":"tiny","prompt":""# + String(repeating: "a", count: 70_000) + #""}"#, status: 413),
        Case(name: "chat: messages missing", uri: "/v1/chat/completions", body: #"{"model":"tiny"}"#, status: 400, param: "messages"),
        Case(name: "chat: bad role", uri: "/v1/chat/completions", body: #"{"model":"tiny","messages":[{"role":"wizard","content":"x"}]}"#,
             status: 400, param: "messages[0].role"),
        Case(name: "chat: tools", uri: "/v1/chat/completions", body: #"{"model":"tiny","messages":[{"role":"user","content":"x"}],"tools":[]}"#,
             status: 400, param: "tools"),
        Case(name: "chat: model without template", uri: "/v1/chat/completions",
             body: #"{"model":"chars","messages":[{"role":"user","content":"x"}]}"#, status: 400, param: "model"),
        Case(name: "tokenize: unknown encoding", uri: "/v1/tokenize", body: #"{"encoding":"nope","prompt":"x"}"#, status: 400, param: "encoding"),
        Case(name: "detokenize: bad id", uri: "/v1/detokenize", body: #"{"model":"tiny","tokens":[-1]}"#, status: 400, param: "tokens"),
    ]

    @Test func everyBadRequestGetsItsErrorAndTheServerKeepsServing() async throws {
        let chars = try ServeFixture.makeCharacterModel(name: "chars")
        let state = try ServeFixture.state(apiKey: "sk-test", extra: [.init(id: "chars", directory: chars)])
        try await ServeFixture.app(state).test(.router) { client in
            for c in Self.cases {
                let (status, body, raw) = try await client.post(c.uri, c.body, key: c.key)
                #expect(status == c.status, "\(c.name): \(status) \(raw.prefix(300))")
                let e = errorObject(body)
                #expect(e?["message"] is String && e?["type"] is String, "\(c.name): \(raw.prefix(300))")
                #expect(e.map { $0.keys.contains("param") && $0.keys.contains("code") } == true, "\(c.name)")
                if let p = c.param { #expect(e?["param"] as? String == p, "\(c.name): \(raw.prefix(300))") }
            }
            // The context error names both lengths.
            let (_, ctx, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"hi","max_tokens":5000}"#, key: "sk-test")
            let m = errorObject(ctx)?["message"] as? String ?? ""
            #expect(m.contains("96") && m.contains("5000"))
            // Health and metrics need no key; the server still answers.
            #expect(try await client.get("/health").0 == 200)
            let (s, ok, _) = try await client.post("/v1/completions", #"{"model":"tiny","prompt":"hi","max_tokens":2}"#, key: "sk-test")
            #expect(s == 200 && ok?["choices"] != nil)
        }
        state.shutdownEngines()
    }

    @Test func fullQueueGets429WithRetryAfter() async throws {
        let state = try ServeFixture.state(maxBatch: 1, maxQueue: 1)
        // Hold the decode loop and fill the queue, directly on the engine.
        let served = try state.model("tiny")
        served.engine.setPaused(true)
        var p = SamplingParameters()
        p.maxTokens = 9
        let busy = try served.engine.submit(prompt: [1], parameters: p)
        try await ServeFixture.app(state).test(.router) { client in
            var h = HTTPFields()
            h[.contentType] = "application/json"
            try await client.execute(uri: "/v1/completions", method: .post, headers: h,
                                     body: ByteBuffer(string: #"{"model":"tiny","prompt":"hi","max_tokens":2}"#)) { r in
                #expect(r.status.code == 429)
                #expect(r.headers[.retryAfter] == "1")
                let o = try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any]
                #expect(errorObject(o)?["type"] as? String == "rate_limit_error")
            }
        }
        busy.cancel()
        served.engine.setPaused(false)
        state.shutdownEngines()
    }

    @Test func constantTimeCompare() {
        #expect(APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(Array("ab".utf8), Array("abc".utf8)))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual([], Array("a".utf8)))
    }
}
