import AIGC
import Foundation
import Hummingbird

/// The server's routes. Order of middleware, outermost first: metrics (sees the final status), errors (turns
/// every failure, including unknown routes, into an OpenAI error object), API key (only `/v1/*`).
public enum OpenAIRouter {
    public static func make(state: ServerState) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: state.metrics))
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: APIKeyMiddleware(key: state.configuration.apiKey))

        router.get("/health") { _, _ -> Response in
            switch state.phase {
            case .ready: return GenerationResponder.json(["status": "ok"])
            case .loading: return GenerationResponder.json(["status": state.failure.map { "failed: \($0)" } ?? "loading"], status: .serviceUnavailable)
            case .draining: return GenerationResponder.json(["status": "draining"], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ -> Response in
            var h = HTTPFields()
            h[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.exposition())))
        }
        router.get("/v1/models") { _, _ -> Response in
            try ready(state)
            return GenerationResponder.json(["object": "list", "data": state.all().map(modelObject)])
        }
        router.get("/v1/models/{id}") { _, context -> Response in
            try ready(state)
            let id = context.parameters.get("id") ?? ""
            return GenerationResponder.json(modelObject(try state.model(id)))
        }
        router.post("/v1/completions") { request, context -> Response in
            let arrival = ContinuousClock.now
            let p = try await body(request, state: state)
            return try await GenerationResponder(state: state, request: try .completion(p, pathModel: nil, state: state), arrival: arrival).respond()
        }
        router.post("/v1/engines/{id}/completions") { request, context -> Response in
            let arrival = ContinuousClock.now
            let p = try await body(request, state: state)
            let id = context.parameters.get("id") ?? ""
            return try await GenerationResponder(state: state, request: try .completion(p, pathModel: id, state: state), arrival: arrival).respond()
        }
        router.post("/v1/chat/completions") { request, context -> Response in
            let arrival = ContinuousClock.now
            let p = try await body(request, state: state)
            return try await GenerationResponder(state: state, request: try .chat(p, state: state), arrival: arrival).respond()
        }
        router.post("/v1/tokenize") { request, _ -> Response in
            GenerationResponder.json(try TokenizeEndpoint.tokenize(try await body(request, state: state), state: state))
        }
        router.post("/v1/detokenize") { request, _ -> Response in
            GenerationResponder.json(try TokenizeEndpoint.detokenize(try await body(request, state: state), state: state))
        }
        return router
    }

    static func ready(_ state: ServerState) throws {
        switch state.phase {
        case .ready: return
        case .loading: throw OpenAIError(.serviceUnavailable, "The server is still loading its models.", type: "server_error", code: "loading")
        case .draining: throw OpenAIError(.serviceUnavailable, "The server is shutting down.", type: "server_error", code: "draining")
        }
    }

    /// The request body as a JSON object, at most `maxBodyBytes` (413 beyond).
    static func body(_ request: Request, state: ServerState) async throws -> Params {
        try ready(state)
        let limit = state.configuration.maxBodyBytes
        if let len = request.headers[.contentLength].flatMap({ Int($0) }), len > limit {
            throw OpenAIError(.contentTooLarge, "The request body of \(len) bytes exceeds the server's limit of \(limit) bytes.", code: "body_too_large")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw OpenAIError(.contentTooLarge, "The request body exceeds the server's limit of \(limit) bytes.", code: "body_too_large")
        }
        return Params(try JSONValue.parseObject(Array(buffer.readableBytesView)))
    }

    static func modelObject(_ s: ServerState.Served) -> [String: Any] {
        ["id": s.loaded.id, "object": "model", "created": s.loaded.created, "owned_by": "aigc",
         "max_model_len": s.loaded.model.config.blockSize]
    }
}

/// Turns every error into an OpenAI error response (status, `{"error": {…}}`); nothing escapes as a bare 500.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try OpenAIError.from(error).response(from: request, context: context)
        }
    }
}

/// `Authorization: Bearer KEY` on `/v1/*` when the server has a key; compared in constant time.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]?
    init(key: String?) { self.key = key.map { Array($0.utf8) } }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key, request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix) else {
            throw OpenAIError(.unauthorized, "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'.", code: "missing_api_key")
        }
        guard Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), key) else {
            throw OpenAIError(.unauthorized, "Incorrect API key provided.", code: "invalid_api_key")
        }
        return try await next(request, context)
    }

    /// Equal iff same bytes; the time depends only on the lengths, not on where the first difference is.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0xFF)
        }
        return diff == 0
    }
}

/// Counts requests by route template and status and records their latency (streams: to the response head).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let e = OpenAIError.from(error)
            record(context, status: Int(e.status.code), start: start)
            throw error
        }
        record(context, status: Int(response.status.code), start: start)
        return response
    }

    func record(_ context: Context, status: Int, start: ContinuousClock.Instant) {
        let d = ContinuousClock.now - start
        let route = context.endpointPath.map { $0.isEmpty || $0 == "NotFound" ? "unmatched" : $0 } ?? "unmatched"
        metrics.recordRequest(route: route, status: status, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
}
