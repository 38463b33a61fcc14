import AIGC
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `aigc serve`: binds first (so `/health` answers 503 while the models load), loads the models, serves, and on
/// SIGTERM/SIGINT drains — `/health` turns 503, no new connections are accepted, in-flight requests finish
/// (bounded by `drainSeconds`) — then exits.
public enum AIGCServer {
    public static func run(_ configuration: ServeConfiguration, logger: Logger = Logger(label: "aigc.serve"),
                           onListening: (@Sendable (Int) -> Void)? = nil) async throws {
        try configuration.validate()
        openBLASThreads(configuration.threads)
        let state = ServerState(configuration: configuration)
        let router = OpenAIRouter.make(state: state)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "aigc"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("listening on http://\(configuration.host):\(port)")
                onListening?(port)
            },
            logger: logger
        )
        let loader = ModelLoaderService(state: state, logger: logger)
        var group = ServiceGroupConfiguration(services: [.init(service: app), .init(service: loader)],
                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.drainSeconds)
        group.cancellationSignals = []
        try await ServiceGroup(configuration: group).run()
        state.shutdownEngines()
    }
}

/// Loads the models once the server is up, then waits; on graceful shutdown it marks the server draining.
struct ModelLoaderService: Service {
    let state: ServerState
    let logger: Logger

    func run() async throws {
        let state = self.state
        let started = ContinuousClock.now
        try await Task.detached { try state.loadModels() }.value
        logger.info("models ready: \(state.ids.joined(separator: ", ")) (\(ContinuousClock.now - started))")
        try? await gracefulShutdown()
        state.setPhase(.draining)
        logger.info("draining: finishing in-flight requests")
    }
}
