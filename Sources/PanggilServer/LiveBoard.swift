import Foundation
import Logging
import Hummingbird
import NIOCore
import PanggilCore
import ServiceLifecycle

/// The server's in-memory board and the streams that follow it: loaded from the store once, then kept
/// current by folding in every event of the store's feed, whichever process committed it, and passing
/// each event on to the open streams. It also starts a new day at local midnight.
public actor LiveBoard: ServiceLifecycle.Service {
    public nonisolated let store: any QueueStore
    private let logger: Logger
    private var board: Board
    private let hub: EventHub
    public nonisolated let metrics: ServerMetrics
    /// Which screens follow the stream, for the admin page.
    nonisolated let screens = ScreenRegistry()

    public init(store: any QueueStore, stream: StreamConfiguration = StreamConfiguration(),
                logger: Logger = Logger(label: "panggil.board"), metrics: ServerMetrics = ServerMetrics()) async throws {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        board = try await store.board(day: store.today())
        hub = EventHub(site: store.site, configuration: stream)
    }

    public func run() async throws {
        let start = board.seq
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.follow(after: start) }
            group.addTask { try await self.watchMidnight() }
            group.addTask { try await self.beat() }
            // Any task ending (shutdown, or the store failing) ends the board.
            try await group.next()
            group.cancelAll()
        }
        // Every stream ends cleanly, so that displays reconnect to the next process.
        hub.closeAll()
    }

    /// The board once it shows everything this process has committed, so that a client reading right
    /// after its own write sees it. Other processes' writes arrive within a poll interval anyway.
    public func settled(timeout: Duration = .seconds(1)) async -> Board {
        let target = store.committedSeq
        let deadline = ContinuousClock.now + timeout
        // The feed is woken by the commit itself, so this is rarely more than one short pause.
        while board.seq < target, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
        return board
    }

    public var statistics: StreamStatistics { hub.statistics }

    private func follow(after seq: Int64) async throws {
        for try await event in store.feed(after: seq).cancelOnGracefulShutdown() {
            board.apply(event)
            hub.publish(event, board: board)
            metrics.committed(event, handedOutAt: Date())
        }
    }

    private func watchMidnight() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let today = store.today()
            if today > board.day {
                logger.info("new local day", metadata: ["day": "\(today)"])
                board.rollOver(to: today)
                hub.refresh(board, now: Date())
            }
        }
    }

    private func beat() async throws {
        let heartbeat = Chunk(SSEFormat.comment("heartbeat"))
        while !Task.isCancelled {
            try await Task.sleep(for: hub.configuration.heartbeat)
            hub.broadcast(heartbeat)
        }
    }

    // MARK: Streams

    /// A new stream, registered at the board's current event so that nothing falls between what the
    /// caller sends first (a snapshot of `board`, or the log up to `board.seq`) and what the hub queues.
    func subscribe(_ filter: StreamFilter, sink: any StreamSink) throws -> (Subscriber, Board) {
        (try hub.add(filter: filter, sink: sink), board)
    }

    func subscribe(phone ticket: Ticket, sink: any StreamSink) throws -> (Subscriber, Board) {
        (try hub.add(phone: ticket, sink: sink), board)
    }

    func unsubscribe(_ subscriber: Subscriber) {
        hub.remove(subscriber)
    }

    /// From a connection's event loop, which must not wait for the board.
    nonisolated func unsubscribeLater(_ subscriber: Subscriber) {
        Task { await self.unsubscribe(subscriber) }
    }
}
