import Foundation
import Hummingbird
import Logging
import PanggilCore
import PanggilVoice
import ServiceLifecycle

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var stream: StreamConfiguration
    /// The `display-layouts` folder with the public pages; without it only the API is served.
    public var layouts: URL?
    /// The site's logo file; the layouts' own mark when nil.
    public var logo: URL?
    /// How often broadcasts posted ahead, or with an end, are checked against the clock.
    public var scheduleCheck: Duration
    /// How often the log is pruned of days past the site's retention.
    public var retentionCheck: Duration

    public init(host: String = "0.0.0.0", port: Int = 8080, stream: StreamConfiguration = StreamConfiguration(),
                layouts: URL? = nil, logo: URL? = nil, scheduleCheck: Duration = .seconds(1), retentionCheck: Duration = .seconds(3600)) {
        self.host = host
        self.port = port
        self.stream = stream
        self.layouts = layouts
        self.logo = logo
        self.scheduleCheck = scheduleCheck
        self.retentionCheck = retentionCheck
    }
}

/// Builds the application exactly as `panggil serve` runs it, so that tests exercise the same thing.
/// With a `voice`, announcements can be previewed and fetched as audio; with an `audio` output too,
/// every call is played on its zone's loudspeakers.
public func buildApplication(
    store: any QueueStore, authenticator: Authenticator, configuration: ServerConfiguration = ServerConfiguration(),
    voice: CallVoice? = nil, audio: (any AudioOutput)? = nil,
    logger: Logger = Logger(label: "panggil")
) async throws -> some ApplicationProtocol {
    let board = try await LiveBoard(store: store, stream: configuration.stream, logger: logger)
    var services: [any ServiceLifecycle.Service] = [
        board, BroadcastScheduler(store: store, check: configuration.scheduleCheck, logger: logger),
        Chore(interval: configuration.retentionCheck) { [retention = EventRetention(store: store, logger: logger)] in
            await retention.prune()
        },
    ]
    var speakers: Speakers?
    if let voice, let audio {
        let announcer = CallAnnouncer(store: store, voice: voice, output: audio, logger: logger, metrics: board.metrics)
        services.append(announcer)
        speakers = Speakers(output: audio, announcer: announcer.announcer)
    }
    let pages = DisplayPages(site: store.site, layouts: configuration.layouts, logo: configuration.logo)
    let router = buildRouter(store: store, board: board, authenticator: authenticator, voice: voice, speakers: speakers, pages: pages)
    let streams = StreamServer(store: store, board: board, configuration: configuration.stream)
    return Application(
        router: router,
        // The event stream is served inside each connection's pipeline (see `StreamChannelHandler`).
        server: .http1(configuration: .init(additionalChannelHandlers: [StreamChannelHandler(server: streams)])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Panggil"),
        services: services,
        logger: logger)
}

/// The loudspeakers, for the health check.
struct Speakers: Sendable {
    let output: any AudioOutput
    let announcer: Announcer
}

func buildRouter(
    store: any QueueStore, board: LiveBoard, authenticator: Authenticator, voice: CallVoice? = nil, speakers: Speakers? = nil,
    pages: DisplayPages? = nil
) -> Router<PanggilRequestContext> {
    let router = Router(context: PanggilRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: AccessMiddleware(authenticator: authenticator))
    // Inside the error middleware: a path no route knows is looked up among the layouts' files first.
    if let files = pages?.middleware { router.add(middleware: files) }
    QueueAPI(store: store, board: board, speakers: speakers).register(on: router)
    BroadcastAPI(store: store, board: board).register(on: router)
    AccessAPI(authenticator: authenticator, site: store.site).register(on: router)
    ConsoleAPI(store: store, board: board).register(on: router)
    ReportsAPI(store: store).register(on: router)
    ScreensAPI(board: board).register(on: router)
    if let voice { AnnouncementAPI(store: store, voice: voice).register(on: router) }
    pages?.register(on: router)
    return router
}
