import Foundation
import GRDB
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilStore

/// The log is append-only except for one deliberate path: pruning the days past the site's retention.
@Suite("Event retention")
struct RetentionTests {
    /// Two tickets on each of three days: 1, 2 and 3 December.
    func storeWithThreeDays() async throws -> (SQLiteQueueStore, ManualClock) {
        let clock = ManualClock(Fixtures.wib("2026-12-01 09:00"))
        let store = try makeStore(clock: clock)
        for day in ["2026-12-01", "2026-12-02", "2026-12-03"] {
            clock.set(Fixtures.wib("\(day) 09:00"))
            for _ in 0..<2 { _ = try await store.issue(service: "B", priority: false, by: staff) }
        }
        return (store, clock)
    }

    @Test func pruningDeletesOnlyTheDaysBeforeTheMarkAndTheMarkOnlyMovesForward() async throws {
        let (store, _) = try await storeWithThreeDays()
        #expect(try await store.retainedSince() == nil, "nothing pruned yet")
        let before = try await allEvents(store)

        #expect(try await store.pruneEvents(before: LocalDate(year: 2026, month: 12, day: 3)) == 4)
        #expect(try await store.retainedSince() == LocalDate(year: 2026, month: 12, day: 3))
        let after = try await allEvents(store)
        #expect(after.map(\.seq) == Array(before.map(\.seq).suffix(2)))
        #expect(after.allSatisfy { $0.day == LocalDate(year: 2026, month: 12, day: 3) })

        // A resuming display with an id from the pruned days is told to start afresh.
        let bounds = try await store.logBounds()
        #expect(!bounds.canResume(from: before[1].seq) && bounds.canResume(from: before[3].seq))

        // Asking for an earlier mark changes nothing; the kept days cannot be deleted by hand, nor the
        // mark moved back or removed, by this process or any other program on the file.
        #expect(try await store.pruneEvents(before: LocalDate(year: 2026, month: 12, day: 1)) == 0)
        #expect(try await store.retainedSince() == LocalDate(year: 2026, month: 12, day: 3))
        let other = try DatabaseQueue(path: store.path)
        for sql in ["DELETE FROM events", "UPDATE meta SET value = '2026-01-01' WHERE key = 'retained_since'",
                    "DELETE FROM meta WHERE key = 'retained_since'", "UPDATE events SET actor = 'x'"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try other.write { try $0.execute(sql: sql) } }
        }
        #expect(try await allEvents(store).count == 2)
    }

    @Test func theNewestEventStaysSoTheSequenceIsNeverLost() async throws {
        let (store, clock) = try await storeWithThreeDays()
        let newest = try #require(try await allEvents(store).last?.seq)
        #expect(try await store.pruneEvents(before: LocalDate(year: 2027, month: 1, day: 1)) == 5)
        #expect(try await allEvents(store).map(\.seq) == [newest])
        clock.set(Fixtures.wib("2027-01-02 09:00"))
        let next = try await store.issue(service: "B", priority: false, by: staff)
        #expect(next.number == 1)
        #expect(try await allEvents(store).map(\.seq) == [newest, newest + 1], "numbering goes on from the kept event")
    }
}
