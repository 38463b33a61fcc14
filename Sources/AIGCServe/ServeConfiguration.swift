import AIGC
import Foundation

/// What `aigc serve` was asked for. Checked by `validate()` before anything is loaded or bound.
public struct ServeConfiguration: Sendable {
    public struct ModelEntry: Sendable, Equatable {
        public var id: String
        public var directory: URL
        public init(id: String, directory: URL) { self.id = id; self.directory = directory }
    }

    public var models: [ModelEntry] = []
    /// Loopback unless told otherwise: a model server is not for the open network without a key and a proxy.
    public var host = "127.0.0.1"
    public var port = 8000
    /// Bearer key for `/v1/*` (nil: no key required).
    public var apiKey: String?
    /// Completions decoded at once per model.
    public var maxBatch = 16
    /// Requests waiting per model before new ones get 429.
    public var maxQueue = 256
    public var maxBodyBytes = 2 << 20
    /// OpenBLAS threads of the prompt (prefill) products. Default 1: each model's engine already runs two
    /// threads (decoding and prefilling), and idle OpenBLAS workers spin on the cores they would need.
    public var threads = 1
    /// Precision of the models' linear-layer weights (`WeightPrecision`): fp32 (default) or bf16.
    public var weights: WeightPrecision = .fp32
    /// Longest wait for in-flight requests after SIGTERM/SIGINT.
    public var drainSeconds = 30
    /// Prompts in one completions request (an array prompt).
    public var maxPromptsPerRequest = 64

    public init() {}

    public func validate() throws {
        guard !models.isEmpty else { throw ServeError("give at least one ServeConfiguration.models") }
        var seen = Set<String>()
        for m in models {
            // A served id is a model name: the rule of registered names (`ModelStore.isValid(name:)`), so the id a
            // client sends is the name `aigc models list` shows.
            guard ModelStore.isValid(name: m.id) else {
                throw ServeError("model id '\(m.id)' is not a valid model name: use 1-64 characters from A-Z a-z 0-9 . _ -, "
                                 + "starting with a letter or digit, without '..'")
            }
            guard seen.insert(m.id).inserted else { throw ServeError("model id '\(m.id)' is given twice") }
        }
        guard (0...65535).contains(port) else { throw ServeError("ServeConfiguration.port must be in 0...65535 (got \(port))") }
        guard (1...1024).contains(maxBatch) else { throw ServeError("ServeConfiguration.maxBatch must be in 1...1024 (got \(maxBatch))") }
        guard (0...1_000_000).contains(maxQueue) else { throw ServeError("ServeConfiguration.maxQueue must be in 0...1000000 (got \(maxQueue))") }
        guard (1...(1 << 30)).contains(maxBodyBytes) else { throw ServeError("ServeConfiguration.maxBodyBytes must be in 1...1073741824 (got \(maxBodyBytes))") }
        guard (1...256).contains(threads) else { throw ServeError("ServeConfiguration.threads must be in 1...256 (got \(threads))") }
        if let k = apiKey, k.isEmpty { throw ServeError("ServeConfiguration.apiKey must not be empty") }
    }
}

/// A configuration or start-up error of the server (the CLI prints it and exits 1).
public struct ServeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
