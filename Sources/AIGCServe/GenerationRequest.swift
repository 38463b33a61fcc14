import AIGC
import Foundation

/// A completions or chat request, decoded and checked against the model it names: prompts as token ids, the
/// sampling parameters, and how to answer (stream, echo, logprobs). Every check throws a 400 naming the parameter.
struct GenerationRequest {
    enum Kind { case completion, chat }

    var kind: Kind
    var served: ServerState.Served
    /// One or more prompts (an array `prompt` gives several; chat gives one).
    var prompts: [[Int32]]
    /// Text of each prompt, for `echo`.
    var promptTexts: [String]
    var parameters: SamplingParameters
    var stream = false
    var includeUsage = false
    var echo = false
    /// Completions: top-k alternatives per token (`logprobs`); chat: `top_logprobs` when `logprobs` is true.
    var logprobs: Int?

    var modelID: String { served.loaded.id }

    static func completion(_ p: Params, pathModel: String?, state: ServerState) throws -> GenerationRequest {
        if let s = try p.string("suffix"), !s.isEmpty {
            throw OpenAIError.param("suffix", "'suffix' is not supported by this server.", code: "unsupported_parameter")
        }
        let served = try model(p, pathModel: pathModel, state: state)
        let loaded = served.loaded
        guard let promptValue = p.value("prompt") else {
            throw OpenAIError.param("prompt", "'prompt' is required: a string, an array of strings, or token ids.", code: "missing_required_parameter")
        }
        var texts: [String] = []
        var prompts: [[Int32]] = []
        func tokens(_ a: [JSONValue]) throws -> [Int32] {
            try a.map {
                guard case .number(let d) = $0, d.rounded() == d, d >= 0, d < Double(loaded.model.config.vocabSize) else {
                    throw OpenAIError.param("prompt", "token ids in 'prompt' must be integers in 0..<\(loaded.model.config.vocabSize).")
                }
                return Int32(d)
            }
        }
        switch promptValue {
        case .string(let s): texts = [s]
        case .array(let a) where !a.isEmpty:
            if a.allSatisfy({ if case .string = $0 { return true }; return false }) {
                texts = a.map { if case .string(let s) = $0 { return s }; return "" }
            } else if a.allSatisfy({ if case .number = $0 { return true }; return false }) {
                prompts = [try tokens(a)]
            } else if a.allSatisfy({ if case .array = $0 { return true }; return false }) {
                prompts = try a.map { if case .array(let t) = $0 { return try tokens(t) }; return [] }
            } else {
                throw OpenAIError.param("prompt", "'prompt' must be a string, an array of strings, an array of token ids or an array of such arrays.", code: "invalid_type")
            }
        default:
            throw OpenAIError.param("prompt", "'prompt' must be a non-empty string array, a string or token ids, not \(promptValue.typeName).", code: "invalid_type")
        }
        let limit = state.configuration.maxPromptsPerRequest
        if texts.count > limit || prompts.count > limit {
            throw OpenAIError.param("prompt", "at most \(limit) prompts per request (got \(max(texts.count, prompts.count))).")
        }
        if !texts.isEmpty {
            prompts = try texts.map { t in
                var ids: [Int32]
                do { ids = try loaded.encode(t) } catch { throw OpenAIError.param("prompt", "\(error)") }
                if ids.isEmpty, let eot = loaded.codec?.endOfText { ids = [eot] }  // OpenAI: an empty prompt starts at end-of-text
                return ids
            }
        } else {
            texts = prompts.map { ids in String(decoding: ids.flatMap { loaded.codec?.bytes(of: $0) ?? [] }, as: UTF8.self) }
        }
        if let i = prompts.firstIndex(where: \.isEmpty) {
            throw OpenAIError.param("prompt", "prompt \(i) is empty and the model has no end-of-text token to start from.")
        }
        var r = GenerationRequest(kind: .completion, served: served, prompts: prompts, promptTexts: texts,
                                  parameters: try sampling(p, served: served, state: state))
        if let bestOf = try p.integer("best_of", in: 1...128), bestOf != r.parameters.n {
            throw OpenAIError.param("best_of", "'best_of' other than n is not supported by this server (best_of = \(bestOf), n = \(r.parameters.n)).",
                                    code: "unsupported_parameter")
        }
        r.echo = try p.bool("echo") ?? false
        r.logprobs = try p.integer("logprobs", in: 0...5)
        if r.echo && r.logprobs != nil {
            throw OpenAIError.param("logprobs", "'logprobs' together with 'echo' (log-probabilities of the prompt) is not supported by this server.",
                                    code: "unsupported_parameter")
        }
        r.parameters.logprobs = r.logprobs
        try r.readStreamOptions(p)
        try r.setMaxTokens(p, keys: ["max_tokens"], defaultValue: 16)
        return r
    }

    static func chat(_ p: Params, state: ServerState) throws -> GenerationRequest {
        for unsupported in ["tools", "functions", "tool_choice", "function_call", "audio", "prediction"] where p.value(unsupported) != nil {
            throw OpenAIError.param(unsupported, "'\(unsupported)' is not supported by this server.", code: "unsupported_parameter")
        }
        let served = try model(p, pathModel: nil, state: state)
        guard let chat = served.loaded.chat else {
            throw OpenAIError(.badRequest, served.loaded.chatUnavailable ?? "model '\(served.loaded.id)' cannot chat", param: "model", code: "chat_not_supported")
        }
        guard case .array(let list)? = p.value("messages"), !list.isEmpty else {
            throw OpenAIError.param("messages", "'messages' must be a non-empty array of {\"role\", \"content\"} objects.",
                                    code: p.value("messages") == nil ? "missing_required_parameter" : "invalid_type")
        }
        guard list.count <= 4096 else { throw OpenAIError.param("messages", "at most 4096 messages.") }
        var messages: [ChatMessage] = []
        for (i, m) in list.enumerated() {
            guard case .object(let o) = m else { throw OpenAIError.param("messages[\(i)]", "each message must be an object.", code: "invalid_type") }
            let role: Role
            switch o["role"] {
            case .string("system")?, .string("developer")?: role = .system
            case .string("user")?: role = .user
            case .string("assistant")?: role = .assistant
            default: throw OpenAIError.param("messages[\(i)].role", "role must be 'system', 'developer', 'user' or 'assistant'.")
            }
            var content = ""
            switch o["content"] {
            case .string(let s)?: content = s
            case .null?, nil:
                guard role == .assistant else {
                    throw OpenAIError.param("messages[\(i)].content", "content is required for a \(role.name) message.", code: "missing_required_parameter")
                }
            case .array(let parts)?:
                for part in parts {
                    guard case .object(let po) = part, po["type"] == .string("text"), case .string(let t)? = po["text"] else {
                        throw OpenAIError.param("messages[\(i)].content", "only text content parts ({\"type\": \"text\", \"text\": …}) are supported.",
                                                code: "unsupported_parameter")
                    }
                    content += t
                }
            default: throw OpenAIError.param("messages[\(i)].content", "content must be a string or an array of text parts.", code: "invalid_type")
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        let ids = try chat.render(messages)
        var r = GenerationRequest(kind: .chat, served: served, prompts: [ids], promptTexts: [""],
                                  parameters: try sampling(p, served: served, state: state))
        r.parameters.stopTokens = chat.endOfTurn
        r.parameters.stop += chat.stopTexts
        if try p.bool("logprobs") ?? false {
            r.logprobs = try p.integer("top_logprobs", in: 0...20) ?? 0
        } else if p.value("top_logprobs") != nil {
            throw OpenAIError.param("top_logprobs", "'top_logprobs' needs 'logprobs': true.")
        }
        r.parameters.logprobs = r.logprobs
        try r.readStreamOptions(p)
        try r.setMaxTokens(p, keys: ["max_completion_tokens", "max_tokens"], defaultValue: nil)
        return r
    }

    static func model(_ p: Params, pathModel: String?, state: ServerState) throws -> ServerState.Served {
        if let id = pathModel { return try state.model(id) }
        guard let id = try p.string("model") else {
            throw OpenAIError.param("model", "'model' is required. Models served here: \(state.ids.joined(separator: ", ")).", code: "missing_required_parameter")
        }
        return try state.model(id)
    }

    static func sampling(_ p: Params, served: ServerState.Served, state: ServerState) throws -> SamplingParameters {
        var s = SamplingParameters()
        s.temperature = try p.number("temperature", in: 0...2) ?? 1
        s.topP = try p.number("top_p", in: 0...1) ?? 1
        if s.topP == 0 { throw OpenAIError.param("top_p", "'top_p' must be greater than 0.") }
        s.topK = try p.integer("top_k", in: 0...(1 << 24)) ?? 0
        s.n = try p.integer("n", in: 1...128) ?? 1
        if s.n > state.configuration.maxBatch {
            throw OpenAIError.param("n", "'n' = \(s.n) exceeds this server's batch of \(state.configuration.maxBatch) sequences.")
        }
        s.stop = try p.stop()
        if let seed = try p.integer("seed", in: Int(Int64.min / 1024)...Int(Int64.max / 1024)) {
            s.seed = UInt64(bitPattern: Int64(seed))
        } else {
            s.seed = UInt64.random(in: 0...UInt64.max)
        }
        s.presencePenalty = try p.number("presence_penalty", in: -2...2) ?? 0
        s.frequencyPenalty = try p.number("frequency_penalty", in: -2...2) ?? 0
        s.logitBias = try p.logitBias(vocabularySize: served.loaded.model.config.vocabSize)
        _ = try p.string("user")  // accepted, must be a string, ignored
        return s
    }

    mutating func readStreamOptions(_ p: Params) throws {
        stream = try p.bool("stream") ?? false
        if let so = p.value("stream_options") {
            guard case .object(let o) = so else { throw OpenAIError.param("stream_options", "'stream_options' must be an object.", code: "invalid_type") }
            guard stream else { throw OpenAIError.param("stream_options", "'stream_options' is only allowed when 'stream' is true.") }
            if let v = o["include_usage"], v != .null {
                guard case .bool(let b) = v else { throw OpenAIError.param("stream_options.include_usage", "must be a boolean.", code: "invalid_type") }
                includeUsage = b
            }
        }
    }

    /// max_tokens (or max_completion_tokens): prompt + max_tokens must fit the context; the error names both.
    mutating func setMaxTokens(_ p: Params, keys: [String], defaultValue: Int?) throws {
        let context = served.loaded.model.config.blockSize
        var given: (String, Int)?
        for k in keys { if let v = try p.integer(k, in: 0...Int(Int32.max)) { given = (k, v); break } }
        let longest = prompts.map(\.count).max() ?? 0
        if longest > context {
            throw OpenAIError(.badRequest, "This model's maximum context length is \(context) tokens, however your prompt has \(longest) tokens.",
                              param: kind == .chat ? "messages" : "prompt", code: "context_length_exceeded")
        }
        if let (k, v) = given ?? defaultValue.map({ (keys[0], $0) }) {
            if longest + v > context {
                throw OpenAIError(.badRequest, "This model's maximum context length is \(context) tokens, however you requested \(longest + v) tokens "
                                  + "(\(longest) in your prompt; \(v) for the completion). Please reduce your prompt or \(k).",
                                  param: k, code: "context_length_exceeded")
            }
            parameters.maxTokens = v
        } else {
            parameters.maxTokens = context - longest
        }
    }
}
