import Logging
import PanggilCore
import ServiceLifecycle

/// Keeps the event log to the site's `retention_days`: the days before the kept ones are pruned
/// (by the server at start and then hourly, as a `Chore`). Reports of those days are gone with them;
/// the API says so.
struct EventRetention: Sendable {
    let store: any QueueStore
    let logger: Logger

    /// The first day kept: today and the `retention_days - 1` days before it.
    var firstKeptDay: LocalDate {
        store.today().adding(days: -(store.site.retentionDays - 1))
    }

    /// Prunes what is due and returns how many events went.
    @discardableResult
    func prune() async -> Int {
        let before = firstKeptDay
        do {
            let pruned = try await store.pruneEvents(before: before)
            if pruned > 0 {
                logger.notice("old events pruned", metadata: [
                    "events": "\(pruned)", "before": "\(before)", "retention_days": "\(store.site.retentionDays)",
                ])
            }
            return pruned
        } catch {
            // Retention is housekeeping: the queue goes on, and the next check tries again.
            logger.error("could not prune old events", metadata: ["before": "\(before)", "error": "\(error)"])
            return 0
        }
    }
}

/// Housekeeping the server does at start and then once every `interval`, until it shuts down.
struct Chore: ServiceLifecycle.Service {
    let interval: Duration
    let work: @Sendable () async -> Void

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await work()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
