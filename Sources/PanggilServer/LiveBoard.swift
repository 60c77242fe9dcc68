import Foundation
import Logging
import Hummingbird
import NIOCore
import PanggilCore
import ServiceLifecycle
import Synchronization

/// The server's in-memory board and the streams that follow it: loaded from the store once, then kept
/// current by folding in every committed event and passing each on to the open streams. It also
/// starts a new day at local midnight.
///
/// Events arrive two ways, and each is taken once, in sequence order. This process's own commits come
/// straight from the committing thread (`QueueStore.observeCommits`), so that a call reaches the
/// displays without waiting for a thread to wake. Every commit, including other processes', also comes
/// through the store's feed: it fills any gap the first way left (an event is taken only right after
/// the one before it) and is otherwise a no-op.
public final class LiveBoard: ServiceLifecycle.Service, Sendable {
    public let store: any QueueStore
    private let logger: Logger
    private let state: Mutex<State>
    public let metrics: ServerMetrics
    /// Which screens follow the stream, for the admin page.
    let screens = ScreenRegistry()
    private let heartbeat: Duration

    private struct State: ~Copyable {
        var board: Board
        let hub: EventHub
    }

    public init(store: any QueueStore, stream: StreamConfiguration = StreamConfiguration(),
                logger: Logger = Logger(label: "panggil.board"), metrics: ServerMetrics = ServerMetrics()) async throws {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        heartbeat = stream.heartbeat
        let board = try await store.board(day: store.today())
        state = Mutex(State(board: board, hub: EventHub(site: store.site, configuration: stream)))
        // Weak: the store outlives a board a test lets go of.
        store.observeCommits { [weak self] events in self?.take(events) }
    }

    public func run() async throws {
        let start = state.withLock { $0.board.seq }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.follow(after: start) }
            group.addTask { try await self.watchMidnight() }
            group.addTask { try await self.beat() }
            // Any task ending (shutdown, or the store failing) ends the board.
            try await group.next()
            group.cancelAll()
        }
        // Every stream ends cleanly, so that displays reconnect to the next process.
        state.withLock { $0.hub.closeAll() }
    }

    /// The board once it shows everything this process has committed, so that a client reading right
    /// after its own write sees it. Own commits are folded in before the command returns; the wait is
    /// for the rare commit that followed another process's and waits for the feed.
    public func settled(timeout: Duration = .seconds(1)) async -> Board {
        let target = store.committedSeq
        let deadline = ContinuousClock.now + timeout
        while true {
            let board = state.withLock { $0.board }
            if board.seq >= target || ContinuousClock.now >= deadline { return board }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    public var statistics: StreamStatistics { state.withLock { $0.hub.statistics } }

    /// Folds in and publishes the events that continue the board; the rest were taken already or wait
    /// for the feed to fill the gap before them.
    private func take(_ events: [QueueEvent]) {
        state.withLock { state in
            for event in events where event.seq == state.board.seq + 1 {
                state.board.apply(event)
                state.hub.publish(event, board: state.board)
                metrics.committed(event, handedOutAt: Date())
            }
        }
    }

    /// Cancelled as a whole at shutdown rather than through `cancelOnGracefulShutdown()`, which merges
    /// the feed with the shutdown signal: one more hand-off between tasks for every event.
    private func follow(after seq: Int64) async throws {
        try await cancelWhenGracefulShutdown {
            for try await event in self.store.feed(after: seq) {
                self.take([event])
            }
        }
    }

    private func watchMidnight() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let today = store.today()
            state.withLock { state in
                guard today > state.board.day else { return }
                logger.info("new local day", metadata: ["day": "\(today)"])
                state.board.rollOver(to: today)
                state.hub.refresh(state.board, now: store.clock.now())
            }
        }
    }

    /// Heartbeats to streams that have been quiet: looked at four times per heartbeat interval, each
    /// quiet stream is written to at least once per interval.
    private func beat() async throws {
        let chunk = Chunk(SSEFormat.comment("heartbeat"))
        let look = heartbeat / 4
        while !Task.isCancelled {
            try await Task.sleep(for: look)
            state.withLock { $0.hub.beat(chunk, quiet: heartbeat - look) }
        }
    }

    // MARK: Streams

    /// A new stream, registered at the board's current event so that nothing falls between what the
    /// caller sends first (a snapshot of `board`, or the log up to `board.seq`) and what the hub queues.
    func subscribe(_ filter: StreamFilter, sink: any StreamSink) throws -> (Subscriber, Board) {
        try state.withLock { (try $0.hub.add(filter: filter, sink: sink), $0.board) }
    }

    func subscribe(phone ticket: Ticket, sink: any StreamSink) throws -> (Subscriber, Board) {
        try state.withLock { (try $0.hub.add(phone: ticket, sink: sink), $0.board) }
    }

    /// Called when a stream's connection has closed.
    func unsubscribe(_ subscriber: Subscriber) {
        state.withLock { $0.hub.remove(subscriber) }
    }
}
