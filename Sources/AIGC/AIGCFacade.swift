import AIGCCore
import AIGCModel
import Foundation

/// The seed's two-line API: a named (or directory) model that answers text with text.
///
/// ```swift
/// import AIGC
/// let model = try AIGC(modelName: "aigc-small")
/// let reply = try await model.generate("What are the benefits of exercise?", maxTokens: 150, temperature: 0.7)
/// ```
///
/// `Sendable` and safe to call from many tasks at once: every call is a request to the model's
/// `InferenceEngine`, the same continuous-batching loop `aigc serve` runs, so concurrent calls decode together
/// in one batch. With a fixed `seed` a call returns the same text alone or among others.
public final class AIGC: Sendable {
    public struct Choice: Sendable, Equatable {
        public var index: Int
        public var text: String
        public var finishReason: Completion.FinishReason
    }

    public let name: String
    public let loaded: LoadedModel
    public let engine: InferenceEngine

    /// Loads a model by registered name or directory path.
    /// - Parameters:
    ///   - maxBatch: completions decoded at once (the engine's slots).
    ///   - threads: OpenBLAS threads (process-wide).
    ///   - weights: precision of the linear layers' weights (`WeightPrecision`; bf16 is about twice as fast on
    ///     CPUs with AVX512-BF16, with logits within about 1% of fp32's).
    public init(modelName: String, maxBatch: Int = 16, threads: Int? = nil, weights: WeightPrecision = .fp32) throws {
        let dir = try ModelStore.resolve(modelName)
        if let threads { openBLASThreads(threads) }
        loaded = try LoadedModel(id: modelName, directory: dir)
        name = modelName
        engine = try InferenceEngine(model: loaded.model, codec: loaded.codec, options: .init(maxBatch: maxBatch, maxQueue: 4096, weights: weights))
    }

    /// The text of the first completion of `prompt`.
    public func generate(_ prompt: String, maxTokens: Int = 150, n: Int = 1, stop: [String]? = nil,
                         temperature: Double = 0.7, topP: Double = 1, seed: UInt64? = nil) async throws -> String {
        try await choices(prompt, maxTokens: maxTokens, n: n, stop: stop, temperature: temperature, topP: topP, seed: seed)
            .first?.text ?? ""
    }

    /// All `n` completions of `prompt`, with why each ended.
    public func choices(_ prompt: String, maxTokens: Int = 150, n: Int = 1, stop: [String]? = nil,
                        temperature: Double = 0.7, topP: Double = 1, seed: UInt64? = nil) async throws -> [Choice] {
        let ids = try promptIDs(prompt)
        let p = try parameters(promptCount: ids.count, maxTokens: maxTokens, n: n, stop: stop, temperature: temperature, topP: topP, seed: seed)
        return try await run(ids, p)
    }

    /// The assistant's reply to `messages`, rendered with the model's chat template and ended at its
    /// end-of-turn token.
    public func chat(_ messages: [ChatMessage], maxTokens: Int? = nil, temperature: Double = 0.7, topP: Double = 1,
                     stop: [String]? = nil, seed: UInt64? = nil) async throws -> String {
        guard let chat = loaded.chat else { throw AIGCError.unsupported(loaded.chatUnavailable ?? "model '\(name)' cannot chat") }
        let ids = try chat.render(messages)
        var p = try parameters(promptCount: ids.count, maxTokens: maxTokens, n: 1, stop: stop, temperature: temperature, topP: topP, seed: seed)
        p.stopTokens = chat.endOfTurn
        p.stop += chat.stopTexts
        return try await run(ids, p).first?.text ?? ""
    }

    /// The first completion as it is generated: pieces of text that never split a UTF-8 character and never
    /// show a prefix of a stop sequence. Stopping iteration (or cancelling the task) withdraws the request.
    public func stream(_ prompt: String, maxTokens: Int = 150, stop: [String]? = nil, temperature: Double = 0.7,
                       topP: Double = 1, seed: UInt64? = nil) throws -> AsyncThrowingStream<String, any Error> {
        let ids = try promptIDs(prompt)
        let p = try parameters(promptCount: ids.count, maxTokens: maxTokens, n: 1, stop: stop, temperature: temperature, topP: topP, seed: seed)
        let request = try engine.submit(prompt: ids, parameters: p)
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let task = Task {
            do {
                for try await e in request.events {
                    if case .delta(_, let bytes) = e { continuation.yield(String(decoding: bytes, as: UTF8.self)) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            request.cancel()
        }
        return stream
    }

    func promptIDs(_ prompt: String) throws -> [Int32] {
        var ids = try loaded.encode(prompt)
        if ids.isEmpty, let eot = loaded.codec?.endOfText { ids = [eot] }
        return ids
    }

    func parameters(promptCount: Int, maxTokens: Int?, n: Int, stop: [String]?, temperature: Double, topP: Double,
                    seed: UInt64?) throws -> SamplingParameters {
        let context = loaded.model.config.blockSize
        guard promptCount <= context else {
            throw AIGCError.usage("the prompt has \(promptCount) tokens; the model's context is \(context)")
        }
        var p = SamplingParameters()
        // A reply longer than the context allows ends with finish reason "length" instead of failing: the
        // facade is for text in, text out.
        p.maxTokens = min(maxTokens ?? context, context - promptCount)
        if let m = maxTokens, m < 0 { throw AIGCError.usage("maxTokens must be ≥ 0 (got \(m))") }
        p.n = n
        p.stop = stop ?? []
        guard p.stop.count <= 4 else { throw AIGCError.usage("stop: at most 4 sequences") }
        p.temperature = temperature
        p.topP = topP
        p.seed = seed ?? UInt64.random(in: 0...UInt64.max)
        try p.validate()
        return p
    }

    func run(_ ids: [Int32], _ p: SamplingParameters) async throws -> [Choice] {
        let request = try engine.submit(prompt: ids, parameters: p)
        var out: [Choice] = []
        try await withTaskCancellationHandler {
            for try await e in request.events {
                if case .finished(let c) = e { out.append(Choice(index: c.index, text: c.text, finishReason: c.finish)) }
            }
        } onCancel: {
            request.cancel()
        }
        return out.sorted { $0.index < $1.index }
    }
}
