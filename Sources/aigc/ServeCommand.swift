import AIGC
import AIGCServe
import ArgumentParser
import Foundation

/// `aigc serve`: the OpenAI-compatible server. Only parses flags; the server lives in `AIGCServe`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve models over the OpenAI API (completions, chat, streaming, tokenize, metrics).",
        discussion: """
        Each --model is a model directory (id: the directory's name) or ID=DIR. Binds to 127.0.0.1 unless --host \
        says otherwise. With --api-key (or $AIGC_API_KEY), /v1/* requires 'Authorization: Bearer KEY'. \
        SIGTERM/SIGINT: stop accepting, finish in-flight requests (at most --drain-seconds), exit 0. \
        Endpoints and parameters: docs/serve.md.
        """
    )

    @Option(name: .customLong("model"), help: "A model directory, or ID=DIR (repeatable).") var models: [String] = []
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Port (0: any free port; the chosen one is logged).") var port: Int = 8000
    @Option(help: "API key required on /v1/* (default: $AIGC_API_KEY; none if unset).") var apiKey: String?
    @Option(help: "Completions decoded at once per model.") var maxBatch: Int = 16
    @Option(help: "Requests waiting per model before 429.") var maxQueue: Int = 256
    @Option(help: "Largest request body in bytes.") var maxBodyBytes: Int = 2 << 20
    @Option(help: "OpenBLAS threads for prompt products (each model already decodes and prefills on two threads).") var threads: Int = 1
    @Option(help: """
    Precision of the linear layers' weights: fp32, or bf16 (rounded once at load; AVX512-BF16 dot products, \
    about twice the speed where the CPU has them, the same results slowly where not; the KV cache is bf16 too).
    """) var weights: WeightPrecision = .fp32
    @Option(help: "Longest wait for in-flight requests on shutdown.") var drainSeconds: Int = 30
    @Option(help: "Write the bound port to this file once listening (for scripts using --port 0).") var portFile: String?

    func run() async throws {
        try await runCLI {
            var c = ServeConfiguration()
            c.models = try models.map(Self.parseModel)
            c.host = host
            c.port = port
            c.apiKey = apiKey ?? ProcessInfo.processInfo.environment["AIGC_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            c.maxBatch = maxBatch
            c.maxQueue = maxQueue
            c.maxBodyBytes = maxBodyBytes
            c.threads = threads
            c.weights = weights
            c.drainSeconds = drainSeconds
            try c.validate()
            if c.apiKey == nil && !["127.0.0.1", "localhost", "::1"].contains(host) {
                logStderr("aigc serve: warning: listening on \(host) without an API key")
            }
            if weights == .bf16 && !WeightPrecision.bf16IsAccelerated {
                logStderr("aigc serve: warning: this CPU has no AVX512-BF16; --weights bf16 runs portable loops (same results, much slower than fp32)")
            }
            let portFile = self.portFile
            try await AIGCServer.run(c, onListening: { port in
                if let portFile { try? AtomicFile.write("\(port)\n", to: URL(fileURLWithPath: portFile)) }
            })
        }
    }

    /// `DIR` (id = the directory's name) or `ID=DIR`; DIR may be a registered model name.
    static func parseModel(_ spec: String) throws -> ServeConfiguration.ModelEntry {
        var id: String?
        var path = spec
        if let eq = spec.firstIndex(of: "="), !FileManager.default.fileExists(atPath: spec) {
            id = String(spec[..<eq])
            path = String(spec[spec.index(after: eq)...])
        }
        let dir = try ModelStore.resolve(path)
        return .init(id: id ?? dir.standardizedFileURL.lastPathComponent, directory: dir)
    }
}
