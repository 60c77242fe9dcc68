import Foundation
import Hummingbird
import Logging
import PanggilCore

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var stream: StreamConfiguration

    public init(host: String = "0.0.0.0", port: Int = 8080, stream: StreamConfiguration = StreamConfiguration()) {
        self.host = host
        self.port = port
        self.stream = stream
    }
}

/// Builds the application exactly as `panggil serve` runs it, so that tests exercise the same thing.
public func buildApplication(
    store: any QueueStore, configuration: ServerConfiguration = ServerConfiguration(),
    logger: Logger = Logger(label: "panggil")
) async throws -> some ApplicationProtocol {
    let board = try await LiveBoard(store: store, stream: configuration.stream, logger: logger)
    let router = buildRouter(store: store, board: board)
    let streams = StreamServer(store: store, board: board, configuration: configuration.stream)
    return Application(
        router: router,
        // The event stream is served inside each connection's pipeline (see `StreamChannelHandler`).
        server: .http1(configuration: .init(additionalChannelHandlers: [StreamChannelHandler(server: streams)])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Panggil"),
        services: [board],
        logger: logger)
}

func buildRouter(store: any QueueStore, board: LiveBoard) -> Router<PanggilRequestContext> {
    let router = Router(context: PanggilRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    QueueAPI(store: store, board: board).register(on: router)
    return router
}
