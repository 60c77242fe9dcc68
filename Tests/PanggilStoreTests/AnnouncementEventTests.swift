import Foundation
import GRDB
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilStore

@Suite("Announcement events")
struct AnnouncementEventTests {
    @Test func announcementsAreLoggedAndReadBackWithTheirCall() async throws {
        let store = try makeStore()
        _ = try await store.setCounter(1, to: .open, by: staff)
        _ = try await store.issue(service: "A", priority: false, by: staff)
        let ticket = try await store.callNext(counter: 1, by: staff)
        let call = try #require(try await allEvents(store).last)
        #expect(call.type == .ticketCalled)
        let started = try await store.recordAnnouncement(.announcementStarted, AnnouncementRecord(id: call.seq, zone: "z1"),
                                                         ticket: call.ticket, counter: 1, by: .system)
        let finished = try await store.recordAnnouncement(
            .announcementFinished, AnnouncementRecord(id: call.seq, zone: "z1", outcome: .failed, reason: "sink \"zona_1\" hilang"),
            ticket: call.ticket, counter: 1, by: .system)
        let logged = try await store.events(after: call.seq, limit: 10)
        #expect(logged == [started, finished])
        #expect(logged.map(\.ticket?.id) == [ticket.id, ticket.id])
        #expect(logged[1].announcement == AnnouncementRecord(id: call.seq, zone: "z1", outcome: .failed, reason: "sink \"zona_1\" hilang"))
        // They change nothing on the board.
        let board = try await store.board(day: store.today())
        #expect(board.counters[1]?.ticket?.id == ticket.id && board.counters[1]?.ticketState == .called)
        #expect(Board(site: store.site, day: board.day).applying(try await allEvents(store)).counters == board.counters)
    }

    @Test func anUnknownZoneIsRefused() async throws {
        let store = try makeStore()
        let before = try dump(store)
        await #expect(throws: QueueError.self) {
            try await store.recordAnnouncement(.announcementStarted, AnnouncementRecord(id: 1, zone: "atap"), ticket: nil, counter: nil, by: .system)
        }
        #expect(try dump(store) == before)
    }

    /// What another program might write: the CHECKs refuse announcements without their id, zone or outcome.
    @Test(arguments: [
        #"('announcement.started', '{"zone": "z1"}')"#,
        #"('announcement.started', '{"announcement": 5}')"#,
        #"('announcement.finished', '{"announcement": 5, "zone": "z1"}')"#,
        #"('announcement.finished', '{"announcement": 5, "zone": "z1", "outcome": "maybe"}')"#,
        #"('announcement.ended', '{"announcement": 5, "zone": "z1", "outcome": "played"}')"#,
    ])
    func malformedAnnouncementRowsAreRefused(row: String) throws {
        let store = try makeStore()
        let db = try DatabaseQueue(path: store.path)
        #expect(throws: DatabaseError.self) {
            try db.write { try $0.execute(sql: "INSERT INTO events (at, day, actor, type, data) VALUES (1, '2026-11-30', 'x', \(row.dropFirst()))") }
        }
    }

    /// A database made before announcements existed keeps its log, its numbering and its guards.
    @Test func aVersionOneDatabaseIsUpgradedInPlace() async throws {
        let path = Fixtures.temporaryStorePath()
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: "v1")
        try await old.write { db in
            try db.execute(sql: """
                INSERT INTO tickets (public_code, prefix, number, day, service, priority, state, issued_at, queued_at)
                VALUES ('ABCDEFGHJK', 'A', 1, '2026-11-30', 'A', 0, 'waiting', 1, 1);
                INSERT INTO events (at, day, type, actor, ticket_id, data)
                VALUES (1, '2026-11-30', 'ticket.issued', 'kiosk', 1,
                        '{"prefix": "A", "number": 1, "service": "A", "ticket_day": "2026-11-30"}');
                """)
        }
        let base = try await old.read { try Int64.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'seq_base'")! }
        let firstSeq = try await old.read { try Int64.fetchOne($0, sql: "SELECT seq FROM events")! }
        #expect(firstSeq == base + 1)
        try old.close()

        let store = try makeStore(path: path)
        let issued = try await store.issue(service: "A", priority: false, by: staff)
        let events = try await allEvents(store)
        #expect(events.map(\.seq) == [base + 1, base + 2], "numbering continues from the old log")
        #expect(events.first?.actor == EventActor("kiosk") && events.last?.ticket?.id == issued.id)
        let db = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM events") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "UPDATE events SET actor = 'x'") } }
        let indexes = try await db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'events' AND type = 'index'") }
        #expect(indexes.contains("events_day_type"))
    }

    @Test func aNewDatabaseNumbersFromItsRandomBase() async throws {
        let store = try makeStore()
        let issued = try await store.issue(service: "A", priority: false, by: staff)
        let db = try DatabaseQueue(path: store.path)
        let base = try await db.read { db -> Int64 in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'seq_base'")! }
        #expect(base % 1_000_000_000 == 0 && base > 0)
        #expect(try await allEvents(store).map(\.seq) == [base + 1])
        #expect(issued.id == 1)
    }
}
