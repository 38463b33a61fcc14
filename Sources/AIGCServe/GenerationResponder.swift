import AIGC
import Foundation
import Hummingbird

/// Runs a decoded `GenerationRequest` on its model's engine and answers in OpenAI's shapes: one JSON object, or
/// server-sent events (`data: {chunk}\n\n` … `data: [DONE]\n\n`). Completions of every prompt and choice run
/// in the same continuous batch; a client that disconnects mid-stream withdraws its completions at once.
struct GenerationResponder {
    let state: ServerState
    let request: GenerationRequest
    let arrival: ContinuousClock.Instant
    let id: String
    let created = Int(Date().timeIntervalSince1970)

    init(state: ServerState, request: GenerationRequest, arrival: ContinuousClock.Instant) {
        self.state = state
        self.request = request
        self.arrival = arrival
        id = (request.kind == .chat ? "chatcmpl-" : "cmpl-") + Self.randomID()
    }

    static func randomID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<3).map { _ in String(g.next() as UInt64, radix: 16).leftPadded(16) }.joined()
    }

    /// Submits every prompt; if one is refused (queue full), the ones already queued are withdrawn.
    func submit() throws -> [InferenceEngine.Request] {
        var out: [InferenceEngine.Request] = []
        do {
            for (i, prompt) in request.prompts.enumerated() {
                out.append(try request.served.engine.submit(prompt: prompt, parameters: request.parameters, indexBase: i * request.parameters.n))
            }
        } catch {
            for r in out { r.cancel() }
            throw OpenAIError.from(error)
        }
        return out
    }

    func respond() async throws -> Response {
        let requests = try submit()
        let events = Self.merge(requests)
        if request.stream { return streamResponse(requests: requests, events: events) }
        var completions: [Int: Completion] = [:]
        var firstToken = false
        try await withTaskCancellationHandler {
            for try await e in events {
                switch e {
                case .firstToken:
                    if !firstToken { firstToken = true; state.metrics.recordFirstToken(seconds: elapsed()) }
                case .delta: break
                case .finished(let c): completions[c.index] = c
                }
            }
        } onCancel: {
            for r in requests { r.cancel() }
        }
        let choices = (0..<(request.prompts.count * request.parameters.n)).compactMap { completions[$0] }
        let usage = self.usage(choices)
        state.metrics.recordUsage(prompt: usage.prompt, completion: usage.completion)
        var obj: [String: Any] = ["id": id, "created": created, "model": request.modelID, "usage": usage.json,
                                  "system_fingerprint": NSNull()]
        switch request.kind {
        case .completion:
            obj["object"] = "text_completion"
            obj["choices"] = choices.map { c -> [String: Any] in
                let prefix = request.echo ? request.promptTexts[c.index / request.parameters.n] : ""
                return ["index": c.index, "text": prefix + c.text, "finish_reason": c.finishReason,
                        "logprobs": completionLogprobs(c, textOffset: prefix.utf8.count)]
            }
        case .chat:
            obj["object"] = "chat.completion"
            obj["choices"] = choices.map { c -> [String: Any] in
                ["index": c.index, "finish_reason": c.finishReason, "logprobs": chatLogprobs(c),
                 "message": ["role": "assistant", "content": c.text, "refusal": NSNull()] as [String: Any]]
            }
        }
        return Self.json(obj)
    }

    // MARK: - Streaming

    func streamResponse(requests: [InferenceEngine.Request], events: AsyncThrowingStream<InferenceEngine.Event, any Error>) -> Response {
        let this = self
        let body = ResponseBody { writer in
            defer { for r in requests { r.cancel() } }
            var firstToken = false
            var completions: [Completion] = []
            let total = this.request.prompts.count * this.request.parameters.n
            // One event per generated token: its frame serialized once (see `DeltaChunkTemplate`).
            let deltaTemplate = DeltaChunkTemplate { i, text in
                switch this.request.kind {
                case .chat: return this.chunk(i, delta: ["content": text], finish: nil)
                case .completion: return this.chunk(i, text: text, finish: nil)
                }
            }
            func send(_ obj: [String: Any]) async throws {
                var bytes = Array("data: ".utf8)
                bytes += JSONOut.bytes(obj)
                bytes += Array("\n\n".utf8)
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            do {
                // Opening chunk per choice: the chat role, or the echoed prompt.
                for i in 0..<total {
                    switch this.request.kind {
                    case .chat: try await send(this.chunk(i, delta: ["role": "assistant", "content": ""], finish: nil))
                    case .completion:
                        if this.request.echo { try await send(this.chunk(i, text: this.request.promptTexts[i / this.request.parameters.n], finish: nil)) }
                    }
                }
                for try await e in events {
                    switch e {
                    case .firstToken:
                        if !firstToken { firstToken = true; this.state.metrics.recordFirstToken(seconds: this.elapsed()) }
                    case .delta(let i, let bytes):
                        let text = String(decoding: bytes, as: UTF8.self)
                        if let template = deltaTemplate {
                            try await writer.write(template.event(index: i, text: text))
                            continue
                        }
                        switch this.request.kind {
                        case .chat: try await send(this.chunk(i, delta: ["content": text], finish: nil))
                        case .completion: try await send(this.chunk(i, text: text, finish: nil))
                        }
                    case .finished(let c):
                        completions.append(c)
                        switch this.request.kind {
                        case .chat: try await send(this.chunk(c.index, delta: [:], finish: c.finishReason, logprobs: this.chatLogprobs(c)))
                        case .completion: try await send(this.chunk(c.index, text: "", finish: c.finishReason,
                                                                    logprobs: this.completionLogprobs(c, textOffset: 0)))
                        }
                    }
                }
                let usage = this.usage(completions)
                this.state.metrics.recordUsage(prompt: usage.prompt, completion: usage.completion)
                if this.request.includeUsage {
                    var last = this.envelope()
                    last["choices"] = [[String: Any]]()
                    last["usage"] = usage.json
                    try await send(last)
                }
            } catch let e as OpenAIError {
                try await send(["error": ["message": e.message, "type": e.type, "param": e.param ?? NSNull(), "code": e.code ?? NSNull()] as [String: Any]])
            } catch is CancellationError {
                return
            } catch {
                // A failed write means the client is gone: nothing more to send.
                if error is AIGCError || error is InferenceEngine.EngineError {
                    let e = OpenAIError.from(error)
                    try? await send(["error": ["message": e.message, "type": e.type, "param": NSNull(), "code": e.code ?? NSNull()] as [String: Any]])
                } else {
                    return
                }
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: body)
    }

    func envelope() -> [String: Any] {
        var o: [String: Any] = ["id": id, "created": created, "model": request.modelID,
                                "object": request.kind == .chat ? "chat.completion.chunk" : "text_completion"]
        if request.kind == .chat { o["system_fingerprint"] = NSNull() }
        if request.includeUsage { o["usage"] = NSNull() }
        return o
    }

    func chunk(_ index: Int, text: String, finish: String?, logprobs: Any = NSNull()) -> [String: Any] {
        var o = envelope()
        o["choices"] = [["index": index, "text": text, "logprobs": logprobs, "finish_reason": finish ?? NSNull()] as [String: Any]]
        return o
    }

    func chunk(_ index: Int, delta: [String: Any], finish: String?, logprobs: Any = NSNull()) -> [String: Any] {
        var o = envelope()
        o["choices"] = [["index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish ?? NSNull()] as [String: Any]]
        return o
    }

    // MARK: - Pieces

    func elapsed() -> Double {
        let d = ContinuousClock.now - arrival
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    struct Usage {
        var prompt: Int
        var completion: Int
        var json: [String: Any] { ["prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion] }
    }

    /// Prompt tokens once per prompt; completion tokens as sampled (see `Completion.sampledTokens`).
    func usage(_ cs: [Completion]) -> Usage {
        Usage(prompt: request.prompts.reduce(0) { $0 + $1.count }, completion: cs.reduce(0) { $0 + $1.sampledTokens })
    }

    func tokenText(_ t: Int32) -> String {
        String(decoding: request.served.loaded.codec?.bytes(of: t) ?? [], as: UTF8.self)
    }

    /// Completions' `logprobs`: tokens, token_logprobs, top_logprobs (token → logprob) and text_offset (bytes).
    func completionLogprobs(_ c: Completion, textOffset: Int) -> Any {
        guard request.logprobs != nil, let lps = c.logprobs else { return NSNull() }
        var offsets: [Int] = []
        var pos = textOffset
        for t in c.tokens.prefix(lps.count) {
            offsets.append(pos)
            pos += request.served.loaded.codec?.bytes(of: t).count ?? 0
        }
        return [
            "tokens": lps.map { tokenText($0.token) },
            "token_logprobs": lps.map(\.logprob),
            "top_logprobs": lps.map { e -> [String: Double] in
                var m: [String: Double] = [:]
                for alt in e.top { m[tokenText(alt.token)] = max(m[tokenText(alt.token)] ?? -.infinity, alt.logprob) }
                return m
            },
            "text_offset": offsets,
        ] as [String: Any]
    }

    /// Chat's `logprobs`: {"content": [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}.
    func chatLogprobs(_ c: Completion) -> Any {
        guard request.logprobs != nil, let lps = c.logprobs else { return NSNull() }
        func bytes(_ t: Int32) -> [Int] { (request.served.loaded.codec?.bytes(of: t) ?? []).map(Int.init) }
        return ["content": lps.map { e -> [String: Any] in
            ["token": tokenText(e.token), "logprob": e.logprob, "bytes": bytes(e.token),
             "top_logprobs": e.top.map { ["token": tokenText($0.token), "logprob": $0.logprob, "bytes": bytes($0.token)] as [String: Any] }]
        }, "refusal": NSNull()] as [String: Any]
    }

    /// One stream of the events of all `requests` (they decode concurrently in the engine).
    static func merge(_ requests: [InferenceEngine.Request]) -> AsyncThrowingStream<InferenceEngine.Event, any Error> {
        if requests.count == 1 { return requests[0].events }
        let (stream, continuation) = AsyncThrowingStream<InferenceEngine.Event, any Error>.makeStream()
        let task = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for r in requests {
                        group.addTask { for try await e in r.events { continuation.yield(e) } }
                    }
                    try await group.waitForAll()
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            for r in requests { r.cancel() }
        }
        return stream
    }

    static func json(_ obj: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: JSONOut.bytes(obj))))
    }
}

/// JSON text of a response object: sorted keys, slashes unescaped, deterministic.
enum JSONOut {
    static func bytes(_ obj: Any) -> [UInt8] {
        if let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]) {
            return Array(d)
        }
        return Array(#"{"error":{"message":"response encoding failed","type":"server_error","param":null,"code":null}}"#.utf8)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
