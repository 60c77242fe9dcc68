import Foundation
import GRDB
import PanggilCore

/// Runs commands as group commits: commands that arrive while a commit is being made to disk wait for
/// the next one, and then all of them share it. Each command runs in its own savepoint, so it is still
/// atomic on its own and a refused one changes nothing; each returns only after the commit that holds
/// it is durable. With `synchronous=FULL` the disk's sync is the cost of a commit, so thirty counters
/// calling at once pay for one sync instead of thirty.
///
/// The batches run on the pool's writer queue itself, handed there directly rather than through an
/// actor and a task: a call then costs one thread wake to reach the writer and one to return, which on
/// two cores is most of what a call costs besides its SQL.
final class CommitQueue: @unchecked Sendable {
    private let pool: DatabasePool
    private let maxBatch: Int
    private let didCommit: @Sendable ([QueueEvent]) -> Void
    /// Told of each write, so that the other stores of this process know a commit may be on its way.
    private let writers: OtherWriters
    private let lock = NSLock()
    // Under the lock.
    private var pending: [Job] = []
    private var scheduled = false

    init(pool: DatabasePool, writers: OtherWriters, maxBatch: Int = 256,
         didCommit: @escaping @Sendable ([QueueEvent]) -> Void) {
        self.pool = pool
        self.writers = writers
        self.maxBatch = maxBatch
        self.didCommit = didCommit
    }

    private struct Job: Sendable {
        /// Runs the command inside the batch's transaction, remembers its own outcome, and returns the
        /// events it appended if it succeeded (most commands append one; some none or several), nil if
        /// it failed. Sharing the batch (`alone` false), it runs in a savepoint of its own, so that a
        /// refused command changes nothing; alone, the transaction is that savepoint, and the two
        /// statements a savepoint costs are saved on the way of every lone call to the displays.
        let run: @Sendable (Database, _ alone: Bool) -> [QueueEvent]?
        /// Reports the outcome, or the commit's failure, to the caller.
        let finish: @Sendable (Error?) -> Void
    }

    func perform<T: Sendable>(_ command: @escaping @Sendable (Database) throws -> (T, [QueueEvent])) async throws -> (T, [QueueEvent]) {
        let outcome = Outcome<(T, [QueueEvent])>()
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                run: { db, alone in
                    do {
                        if alone {
                            outcome.result = .success(try command(db))
                        } else {
                            try db.inSavepoint {
                                outcome.result = .success(try command(db))
                                return .commit
                            }
                        }
                        return try outcome.result?.get().1 ?? []
                    } catch {
                        outcome.result = .failure(error)
                        return nil
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.result!)
                    }
                })
            let schedule = lock.withLock {
                pending.append(job)
                defer { scheduled = true }
                return !scheduled
            }
            if schedule { pool.asyncWriteWithoutTransaction { db in self.commitBatch(db) } }
        }
    }

    /// On the writer queue: one batch of what has arrived, then, if more came meanwhile, the next batch
    /// at the back of the writer's queue, so that the pool's other writes get their turn in between.
    private func commitBatch(_ db: Database) {
        let batch = lock.withLock {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            return batch
        }
        var failure: Error?
        writers.ownWriteBegins()
        do {
            // IMMEDIATE: take the write lock before reading, so that another process cannot slip a
            // write between our read of the queue and our update of it. The statements are prepared
            // once: parsed anew for every batch they took a twentieth of a millisecond of each call.
            var events: [QueueEvent] = []
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            var keep = true
            if batch.count == 1 {
                // Alone, a refused command is undone by undoing the transaction.
                if let appended = batch[0].run(db, true) { events = appended } else { keep = false }
            } else {
                events = batch.flatMap { $0.run(db, false) ?? [] }
            }
            do {
                try db.cachedStatement(sql: keep ? "COMMIT TRANSACTION" : "ROLLBACK TRANSACTION").execute()
            } catch {
                // A failed commit may leave the transaction open (busy, full disk): nothing of it stays.
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                throw error
            }
            // Still on the writer's thread, so in commit order: the live board passes the events on to
            // the displays before anything else (the callers' answers, the feeds) waits for a thread.
            // The feed and a reader right after the write find them too.
            didCommit(events)
        } catch {
            failure = error
        }
        writers.ownWriteEnds()
        for job in batch { job.finish(failure) }
        let more = lock.withLock {
            scheduled = !pending.isEmpty
            return scheduled
        }
        if more { pool.asyncWriteWithoutTransaction { db in self.commitBatch(db) } }
    }
}

/// Written once by the command inside the transaction, read once after the commit.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Wakes feeds as soon as this process commits, instead of at their next poll, and keeps this
/// process's latest committed events so that a feed can take them without reading them back.
final class CommitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var lastWaiter: UInt64 = 0
    private var recent: [Int64: QueueEvent] = [:]
    private var recentOrder: [Int64] = []
    private let keep = 4096

    var current: UInt64 { lock.withLock { generation } }

    func signal(committed events: [QueueEvent]) {
        let woken = lock.withLock {
            for event in events {
                recent[event.seq] = event
                recentOrder.append(event.seq)
            }
            if recentOrder.count > keep * 2 {
                for seq in recentOrder.prefix(recentOrder.count - keep) { recent[seq] = nil }
                recentOrder.removeFirst(recentOrder.count - keep)
            }
            generation &+= 1
            defer { waiters = [:] }
            return waiters
        }
        for continuation in woken.values { continuation.resume() }
    }

    /// Wakes the feeds without events of its own: another process may have committed.
    func wake() {
        let woken = lock.withLock {
            generation &+= 1
            defer { waiters = [:] }
            return waiters
        }
        for continuation in woken.values { continuation.resume() }
    }

    /// This process's committed events that follow `seq` without a gap.
    func committed(after seq: Int64) -> [QueueEvent] {
        lock.withLock {
            var run: [QueueEvent] = []
            var next = seq + 1
            while let event = recent[next] {
                run.append(event)
                next += 1
            }
            return run
        }
    }

    /// Returns when a commit after `seen` happened, or after `timeout` if there is one (to look for other
    /// processes' commits). Untimed waits cost no timer: a feed waits after every commit.
    func wait(after seen: UInt64, timeout: Duration?) async {
        await withCheckedContinuation { continuation in
            let (ready, id) = lock.withLock {
                if generation != seen { return (true, 0 as UInt64) }
                // Numbered rather than a UUID: a UUID reads /dev/urandom, and feeds wait after every commit.
                lastWaiter &+= 1
                waiters[lastWaiter] = continuation
                return (false, lastWaiter)
            }
            if ready {
                continuation.resume()
                return
            }
            guard let timeout else { return }
            Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(id)
            }
        }
    }

    private func timeOut(_ id: UInt64) {
        let continuation = lock.withLock { waiters.removeValue(forKey: id) }
        continuation?.resume()
    }
}
