import Foundation
import Logging
import PanggilCore
import ServiceLifecycle

/// The server's in-memory board: loaded from the store once, then kept current by folding in every
/// event of the store's feed, whichever process committed it. It also starts a new day at local midnight.
public actor LiveBoard: ServiceLifecycle.Service {
    public nonisolated let store: any QueueStore
    private let logger: Logger
    private(set) var board: Board

    public init(store: any QueueStore, logger: Logger = Logger(label: "panggil.board")) async throws {
        self.store = store
        self.logger = logger
        board = try await store.board(day: store.today())
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

    public func run() async throws {
        let start = board.seq
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.follow(after: start) }
            group.addTask { try await self.watchMidnight() }
            // Either task ending (shutdown, or the store failing) ends the board.
            try await group.next()
            group.cancelAll()
        }
    }

    private func follow(after seq: Int64) async throws {
        for try await event in store.feed(after: seq).cancelOnGracefulShutdown() {
            board.apply(event)
        }
    }

    private func watchMidnight() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let today = store.today()
            if today > board.day {
                logger.info("new local day", metadata: ["day": "\(today)"])
                board.rollOver(to: today)
            }
        }
    }
}
