import AIGC
import Foundation

/// The server's request-body handling without HTTP, for the fuzzer (`AIGCFuzzTargets`, target `server-request`):
/// a body as the routes receive it, parsed and checked exactly as they check it (`JSONValue.parseObject`, then
/// `GenerationRequest.completion`/`.chat` or the tokenize endpoints); an accepted generation request is then
/// generated for at most two tokens on the served model, with its sampling parameters. A refusal is rendered as
/// the OpenAI error body the client would get. Only a crash, a hang or a sanitizer report is a failure.
package enum RequestBodyCheck {
    package enum Endpoint: Int, CaseIterable, Sendable {
        case completions, chatCompletions, tokenize, detokenize, engineCompletions
    }

    /// Returns whether the body was accepted; `error` receives the refusal's JSON body.
    @discardableResult
    package static func run(_ endpoint: Endpoint, body: [UInt8], state: ServerState, error: ((String) -> Void)? = nil) -> Bool {
        do {
            let p = Params(try JSONValue.parseObject(body))
            switch endpoint {
            case .completions, .engineCompletions, .chatCompletions:
                let r: GenerationRequest
                switch endpoint {
                case .chatCompletions: r = try .chat(p, state: state)
                case .engineCompletions: r = try .completion(p, pathModel: state.ids.first, state: state)
                default: r = try .completion(p, pathModel: nil, state: state)
                }
                var parameters = r.parameters
                parameters.maxTokens = min(parameters.maxTokens, 2)
                parameters.n = min(parameters.n, 2)
                let generator = try Generator(model: r.served.loaded.model)
                for prompt in r.prompts.prefix(2) {
                    _ = try generator.generate(prompt: prompt, parameters: parameters, codec: r.served.loaded.codec)
                }
            case .tokenize:
                _ = try JSONSerialization.data(withJSONObject: try TokenizeEndpoint.tokenize(p, state: state))
            case .detokenize:
                _ = try JSONSerialization.data(withJSONObject: try TokenizeEndpoint.detokenize(p, state: state))
            }
            return true
        } catch let e {
            let body = OpenAIError.from(e).jsonBody
            error?(String(decoding: body, as: UTF8.self))
            return false
        }
    }

    /// A server state serving the model directory `directory` as `id` (one thread, small queues), ready.
    package static func state(serving directory: URL, id: String = "tiny") throws -> ServerState {
        var c = ServeConfiguration()
        c.models = [.init(id: id, directory: directory)]
        c.maxBatch = 2
        c.maxQueue = 4
        c.threads = 1
        try c.validate()
        let s = ServerState(configuration: c)
        try s.loadModels()
        return s
    }
}
