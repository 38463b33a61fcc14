import AIGC
import Foundation
import Hummingbird

/// An error as the OpenAI API returns it: `{"error": {"message", "type", "param", "code"}}` with its HTTP status.
/// Every failure the server answers with — bad JSON, a bad parameter, a missing key, an unknown route, a full
/// queue — is one of these, so every client library raises its usual exception with our message.
public struct OpenAIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, type: String? = nil, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type ?? Self.defaultType(status)
        self.param = param
        self.code = code
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    static func defaultType(_ s: HTTPResponse.Status) -> String {
        switch s.code {
        case 401: return "authentication_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 500...: return "server_error"
        default: return "invalid_request_error"
        }
    }

    /// A bad request parameter: 400, naming it.
    static func param(_ name: String, _ message: String, code: String? = "invalid_value") -> OpenAIError {
        OpenAIError(.badRequest, message, param: name, code: code)
    }

    static func modelNotFound(_ id: String, known: [String]) -> OpenAIError {
        OpenAIError(.notFound, "The model '\(id)' does not exist. Models served here: \(known.joined(separator: ", ")).",
                    param: "model", code: "model_not_found")
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(message, forKey: .message)
                try c.encode(type, forKey: .type)
                try c.encode(param, forKey: .param)  // null when absent, as OpenAI sends it
                try c.encode(code, forKey: .code)
            }
            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }
        var error: Inner
    }

    var jsonBody: [UInt8] {
        let data = (try? JSONEncoder.openAI.encode(Body(error: .init(message: message, type: type, param: param, code: code))))
            ?? Data(#"{"error":{"message":"error","type":"server_error","param":null,"code":null}}"#.utf8)
        return Array(data)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var h = headers
        h[.contentType] = "application/json"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }

    /// Maps any error to the OpenAI error the client sees.
    static func from(_ error: any Error) -> OpenAIError {
        switch error {
        case let e as OpenAIError: return e
        case let e as AIGCError:
            switch e {
            case .usage(let m): return OpenAIError(.badRequest, m)
            case .input(let loc, let m): return OpenAIError(.badRequest, loc.isEmpty ? m : "\(loc): \(m)")
            case .unsupported(let m): return OpenAIError(.badRequest, m)
            case .io(let m): return OpenAIError(.internalServerError, m)
            }
        case let e as InferenceEngine.EngineError:
            switch e {
            case .queueFull:
                var r = OpenAIError(.tooManyRequests, e.description, type: "rate_limit_error", code: "queue_full")
                r.headers[.retryAfter] = "1"
                return r
            case .shuttingDown: return OpenAIError(.serviceUnavailable, e.description, code: "shutting_down")
            case .tooManyChoices: return OpenAIError(.badRequest, e.description, param: "n")
            }
        case let e as HTTPError:
            switch e.status.code {
            case 404: return OpenAIError(.notFound, "Unknown route. See GET /v1/models, POST /v1/completions, POST /v1/chat/completions.", code: "unknown_route")
            case 405: return OpenAIError(.methodNotAllowed, "Method not allowed on this route.")
            case 413: return OpenAIError(.contentTooLarge, "The request body exceeds the server's limit.", code: "body_too_large")
            default: return OpenAIError(e.status, e.body ?? e.status.reasonPhrase)
            }
        case is CancellationError:
            return OpenAIError(.serviceUnavailable, "The request was cancelled.", code: "cancelled")
        default:
            return OpenAIError(.internalServerError, "Internal error: \(error)")
        }
    }
}

extension JSONEncoder {
    /// Compact, slash-preserving, key-sorted: deterministic bytes for every response.
    static var openAI: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
