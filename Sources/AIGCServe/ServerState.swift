import AIGC
import Foundation

/// The served models and the server's phase. Models are registered at start from the command line only; a
/// request can name a registered id, never a path.
public final class ServerState: @unchecked Sendable {
    public enum Phase: String, Sendable { case loading, ready, draining }

    public struct Served: Sendable {
        public let loaded: LoadedModel
        public let engine: InferenceEngine
    }

    public let configuration: ServeConfiguration
    public let metrics: ServerMetrics
    private let lock = NSLock()
    private var _phase = Phase.loading
    private var models: [String: Served] = [:]
    private var order: [String] = []
    private var loadError: String?

    public init(configuration: ServeConfiguration, metrics: ServerMetrics = ServerMetrics()) {
        self.configuration = configuration
        self.metrics = metrics
    }

    public var phase: Phase { lock.lock(); defer { lock.unlock() }; return _phase }
    public var failure: String? { lock.lock(); defer { lock.unlock() }; return loadError }
    public var ids: [String] { lock.lock(); defer { lock.unlock() }; return order }

    public func setPhase(_ p: Phase) { lock.lock(); _phase = p; lock.unlock() }

    /// Loads every configured model (weights, tokenizer, template) and starts its decode loop; then `ready`.
    public func loadModels() throws {
        for entry in configuration.models {
            do {
                let loaded = try LoadedModel(id: entry.id, directory: entry.directory)
                let engine = try InferenceEngine(model: loaded.model, codec: loaded.codec,
                                                 options: .init(maxBatch: configuration.maxBatch, maxQueue: configuration.maxQueue,
                                                               weights: configuration.weights))
                let m = metrics
                engine.setStepObserver { m.recordStep($0) }
                register(Served(loaded: loaded, engine: engine))
            } catch {
                lock.lock(); loadError = "model '\(entry.id)': \(error)"; lock.unlock()
                throw ServeError("model '\(entry.id)' (\(entry.directory.path)): \(error)")
            }
        }
        setPhase(.ready)
    }

    /// Adds an already loaded model (tests, and the facade's shared engine).
    public func register(_ s: Served) {
        lock.lock()
        if models[s.loaded.id] == nil { order.append(s.loaded.id) }
        models[s.loaded.id] = s
        lock.unlock()
    }

    /// The served model `id`, or the OpenAI 404 listing what is served.
    func model(_ id: String) throws -> Served {
        lock.lock(); defer { lock.unlock() }
        guard let m = models[id] else { throw OpenAIError.modelNotFound(id, known: order) }
        return m
    }

    func all() -> [Served] {
        lock.lock(); defer { lock.unlock() }
        return order.compactMap { models[$0] }
    }

    /// Lets every engine finish its running and queued requests (bounded), then stops the decode loops.
    public func shutdownEngines() {
        for s in all() { s.engine.shutdown(timeout: Double(configuration.drainSeconds)) }
    }
}
