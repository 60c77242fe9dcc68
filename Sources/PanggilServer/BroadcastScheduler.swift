import Foundation
import Logging
import PanggilCore
import ServiceLifecycle

/// Keeps broadcasts to their times: starts the ones posted ahead when their time comes, ends the ones
/// whose time is up, and posts the schedule's own notices (a break beginning, the hall closing soon).
/// It looks once a `check`, against the store's clock, so a test can move the clock and watch.
final class BroadcastScheduler: ServiceLifecycle.Service, Sendable {
    private let store: any QueueStore
    private let check: Duration
    private let logger: Logger

    init(store: any QueueStore, check: Duration, logger: Logger) {
        self.store = store
        self.check = check
        self.logger = logger
    }

    func run() async throws {
        // Notices due before this start were missed while the server was down; saying them late would
        // announce a break that is half over, so the schedule begins from now.
        var last = store.clock.now()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            last = await tick(after: last)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.check) }
        }
    }

    /// Does what is due in `(last, now]` and returns `now`.
    func tick(after last: Date) async -> Date {
        let now = store.clock.now()
        // A machine that slept, or a clock set forward, would otherwise post every notice it skipped,
        // to be said late. After a jump only what fell due within the last minute is posted: a break
        // beginning right now is still news, one that began an hour ago is not.
        let recent = max(60, 5 * Double(check.components.seconds))
        var from = last
        if now.timeIntervalSince(last) > recent {
            from = now.addingTimeInterval(-recent)
            logger.info("the clock moved ahead; notices due before the last minute are skipped", metadata: ["from": "\(last)", "to": "\(now)"])
        }
        for draft in store.site.scheduleNotices(after: from, through: now) {
            do {
                _ = try await store.startBroadcast(draft, by: .system)
            } catch {
                logger.error("could not post the schedule's notice", metadata: ["text": "\(draft.text)", "error": "\(error)"])
            }
        }
        do {
            _ = try await store.advanceBroadcasts()
        } catch {
            logger.error("could not start or end broadcasts on time", metadata: ["error": "\(error)"])
        }
        return max(last, now)
    }
}
