import Foundation
import GRDB
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilStore

@Suite("Queue store")
struct QueueStoreTests {
    @Test func numbersRestartAtLocalMidnightInWIB() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 23:59:58"))
        let store = try makeStore(clock: clock)
        let first = try await store.issue(service: "B", priority: false, by: staff)
        let second = try await store.issue(service: "B", priority: false, by: staff)
        #expect(first.label == "B-001" && second.label == "B-002")
        #expect(second.day == LocalDate(year: 2026, month: 11, day: 30))
        clock.set(Fixtures.wib("2026-12-01 00:00:00"))
        let next = try await store.issue(service: "B", priority: false, by: staff)
        #expect(next.label == "B-001" && next.day == LocalDate(year: 2026, month: 12, day: 1))
        // The label names today's ticket; yesterday's B-002 is out of reach by label, not by id.
        await #expect(throws: QueueError.self) { try await store.ticket(.label(TicketLabel(prefix: "B", number: 2))) }
        #expect(try await store.ticket(.id(second.id)).label == "B-002")
    }

    @Test func quotaIsPerLocalDay() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(clock: clock)
        for n in 1...5 { #expect(try await store.issue(service: "A", priority: false, by: staff).number == n) }
        let before = try dump(store)
        let error = await #expect(throws: QueueError.self) { try await store.issue(service: "A", priority: false, by: staff) }
        #expect(error?.code == .quotaReached && error?.message.contains("(5 tiket)") == true)
        #expect(try dump(store) == before)
        clock.set(Fixtures.wib("2026-12-01 09:00"))
        #expect(try await store.issue(service: "A", priority: false, by: staff).label == "A-001")
    }

    @Test(arguments: [
        ("2026-11-30 07:59", false), ("2026-11-30 08:00", true), ("2026-11-30 14:59", true), ("2026-11-30 15:00", false),
        ("2026-12-04 10:59", true), ("2026-12-04 12:00", false), ("2026-12-04 13:00", true), ("2026-11-29 10:00", false),
    ])
    func openingHoursAreEnforcedWhenIssuing(time: String, open: Bool) async throws {
        let store = try makeStore(clock: ManualClock(Fixtures.wib(time)))
        if open {
            #expect(try await store.issue(service: "A", priority: false, by: staff).number == 1)
        } else {
            let error = await #expect(throws: QueueError.self) { try await store.issue(service: "A", priority: false, by: staff) }
            #expect(error?.code == .serviceClosed)
            #expect(error?.message.contains("Senin–Kamis 08.00–15.00") == true)
            #expect(try await allEvents(store).isEmpty)
        }
        // B declares no hours and the site none either: always open.
        #expect(try await store.issue(service: "B", priority: false, by: staff).number == 1)
    }

    @Test func hoursAreIgnoredWhenTheSiteSaysSo() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let store = try makeStore(site, clock: ManualClock(Fixtures.wib("2026-11-29 22:00")))
        #expect(try await store.issue(service: "A", priority: false, by: staff).number == 1)
    }

    @Test func refusedCommandsChangeNothing() async throws {
        let store = try makeStore()
        let a = try await store.issue(service: "A", priority: false, by: staff)
        _ = try await store.issue(service: "P", priority: false, by: staff)
        let before = try dump(store)
        let attempts: [(QueueError.Code, () async throws -> Void)] = [
            (.invalidState, { _ = try await store.complete(.id(a.id), by: staff) }),
            (.invalidState, { _ = try await store.recall(.id(a.id), by: staff) }),
            (.invalidState, { _ = try await store.start(.id(a.id), by: staff) }),
            (.invalidState, { _ = try await store.noShow(.id(a.id), by: staff) }),
            (.invalidState, { _ = try await store.requeue(.id(a.id), by: staff) }),
            (.invalidState, { _ = try await store.transfer(.id(a.id), to: "B", by: staff) }),
            (.counterClosed, { _ = try await store.callNext(counter: 1, by: staff) }),
            (.counterClosed, { _ = try await store.call(.id(a.id), counter: 1, by: staff) }),
            (.serviceNotServed, { _ = try await store.call(.id(a.id), counter: 3, by: staff) }),
            (.unknownCounter, { _ = try await store.callNext(counter: 99, by: staff) }),
            (.unknownService, { _ = try await store.issue(service: "Z", priority: false, by: staff) }),
            (.unknownService, { _ = try await store.transfer(.id(a.id), to: "Z", by: staff) }),
            (.ticketNotFound, { _ = try await store.cancel(.id(999), by: staff) }),
            (.ticketNotFound, { _ = try await store.cancel(.label(TicketLabel(prefix: "A", number: 9)), by: staff) }),
            (.invalidState, { _ = try await store.setCounter(1, to: .closed, by: staff) }),
        ]
        for (code, attempt) in attempts {
            let error = await #expect(throws: QueueError.self) { try await attempt() }
            #expect(error?.code == code)
        }
        #expect(try dump(store) == before)

        // A busy counter refuses to call again or to close.
        _ = try await store.setCounter(4, to: .open, by: staff)
        _ = try await store.callNext(counter: 4, by: staff)
        let busy = try dump(store)
        for attempt in [{ _ = try await store.callNext(counter: 4, by: staff) },
                        { _ = try await store.setCounter(4, to: .closed, by: staff) }] as [() async throws -> Void] {
            let error = await #expect(throws: QueueError.self) { try await attempt() }
            #expect(error?.code == .counterBusy)
        }
        #expect(try dump(store) == busy)

        // An empty queue.
        let empty = await #expect(throws: QueueError.self) { try await store.setCounter(3, to: .open, by: staff); _ = try await store.callNext(counter: 3, by: staff) }
        #expect(empty?.code == .queueEmpty)
    }

    @Test func callNextTakesPriorityThenTheLongestWaitingAcrossServices() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(clock: clock)
        var issued: [String] = []
        for (service, priority) in [("B", false), ("A", false), ("B", true), ("A", false), ("A", true)] {
            issued.append(try await store.issue(service: service, priority: priority, by: staff).label)
            clock.advance(by: 1)
        }
        #expect(issued == ["B-001", "A-001", "B-002", "A-002", "A-003"])
        _ = try await store.setCounter(1, to: .open, by: staff)
        var called: [String] = []
        for _ in issued {
            let ticket = try await store.callNext(counter: 1, by: staff)
            called.append(ticket.label)
            try await serve(store, ticket.id)
        }
        #expect(called == ["B-002", "A-003", "B-001", "A-001", "A-002"])
    }

    @Test func interleavePolicyCallsOnePriorityAfterNRegular() async throws {
        let store = try makeStore(Fixtures.busySite(counters: 1, policy: .interleave(regularPerPriority: 2)))
        for n in 0..<9 { _ = try await store.issue(service: "A", priority: n < 3, by: staff) }
        _ = try await store.setCounter(1, to: .open, by: staff)
        var priorities: [Bool] = []
        for _ in 0..<9 {
            let ticket = try await store.callNext(counter: 1, by: staff)
            priorities.append(ticket.priority)
            try await serve(store, ticket.id)
        }
        #expect(priorities == [false, false, true, false, false, true, false, false, true])
    }

    @Test func transferKeepsNumberAndPriorityAndJoinsTheBack() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(clock: clock)
        let a = try await store.issue(service: "A", priority: true, by: staff)
        clock.advance(by: 1)
        let b = try await store.issue(service: "B", priority: true, by: staff)
        _ = try await store.setCounter(1, to: .open, by: staff)
        let called = try await store.call(.label(TicketLabel(prefix: "A", number: 1)), counter: 1, by: staff)
        #expect(called.id == a.id)
        clock.advance(by: 60)
        let moved = try await store.transfer(.id(a.id), to: "B", by: staff)
        #expect(moved.label == "A-001" && moved.priority && moved.service == "B" && moved.state == .waiting)
        // Counter 1 is free again; counter 3 (service B only) calls B-001 first, then the transferred A-001.
        _ = try await store.setCounter(3, to: .open, by: staff)
        #expect(try await store.callNext(counter: 3, by: staff).id == b.id)
        try await serve(store, b.id)
        #expect(try await store.callNext(counter: 3, by: staff).id == a.id)
        let transfer = try #require(try await allEvents(store).first { $0.type == .ticketTransferred })
        #expect(transfer.fromService == "A" && transfer.ticket?.service == "B" && transfer.counter == 1)
        #expect(transfer.actor == staff)
    }

    @Test func noShowThenRequeue() async throws {
        let store = try makeStore()
        let ticket = try await store.issue(service: "B", priority: false, by: staff)
        _ = try await store.setCounter(3, to: .open, by: staff)
        _ = try await store.callNext(counter: 3, by: staff)
        _ = try await store.recall(.id(ticket.id), by: staff)
        let gone = try await store.noShow(.id(ticket.id), by: staff)
        #expect(gone.state == .noShow && gone.counter == nil)
        let back = try await store.requeue(.label(TicketLabel(prefix: "B", number: 1)), by: staff)
        #expect(back.state == .waiting)
        #expect(try await store.callNext(counter: 3, by: staff).id == ticket.id)
        let types = try await allEvents(store).map(\.type)
        #expect(types == [.ticketIssued, .counterChanged, .ticketCalled, .ticketRecalled, .ticketNoShow, .ticketRequeued, .ticketCalled])
    }

    @Test func publicCodesFindTicketsAndAreUnguessable() async throws {
        let store = try makeStore()
        var codes = Set<String>()
        for _ in 0..<50 {
            let ticket = try await store.issue(service: "B", priority: false, by: staff)
            #expect(ticket.publicCode.count == 10)
            codes.insert(ticket.publicCode)
            #expect(try await store.ticket(publicCode: ticket.publicCode)?.id == ticket.id)
        }
        #expect(codes.count == 50)
        #expect(try await store.ticket(publicCode: "aaaaaaaaaa") == nil)
    }

    @Test func theLogIsAppendOnly() async throws {
        let store = try makeStore()
        _ = try await store.issue(service: "B", priority: false, by: staff)
        let db = try GRDB.DatabaseQueue(path: store.path)
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE events SET type = 'x'") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM events") } }
        #expect(try await allEvents(store).count == 1)
    }

    @Test func theSchemaRefusesRowsPanggilCouldNotRead() async throws {
        let store = try makeStore()
        let db = try GRDB.DatabaseQueue(path: store.path)
        let bad = [
            "INSERT INTO events (at, day, type, actor) VALUES (1, '2026-11-30', 'ticket.vanished', 'x')",
            "INSERT INTO events (at, day, type, actor) VALUES ('yesterday', '2026-11-30', 'counter.changed', 'x')",
            "INSERT INTO events (at, day, type, actor, data) VALUES (1, '30/11/2026', 'ticket.issued', 'x', '{}')",
            "INSERT INTO events (at, day, type, actor, ticket_id, data) VALUES (1, '2026-11-30', 'ticket.issued', 'x', 1, '{\"prefix\": \"A\"}')",
            "INSERT INTO events (at, day, type, actor, data) VALUES (1, '2026-11-30', 'ticket.issued', 'x', 'not json')",
            "INSERT INTO events (at, day, type, actor, counter, data) VALUES (1, '2026-11-30', 'counter.changed', 'x', 1, '{\"counter_state\": \"gone\"}')",
            "INSERT INTO events (at, day, type, actor, counter, data) VALUES (1, '2026-11-30', 'counter.changed', 'x', 1, '{}')",
            "INSERT INTO tickets (public_code, prefix, number, day, service, priority, state, issued_at, queued_at) VALUES ('c', 'A', 1, '2026-11-30', 'A', 0, 'lost', 1, 1)",
            "INSERT INTO tickets (public_code, prefix, number, day, service, priority, state, issued_at, queued_at) VALUES ('c', 'A', 1, '2026-11-30', 'A', 0, 'waiting', 'now', 1)",
        ]
        for sql in bad {
            #expect(throws: (any Error).self, "\(sql)") { try db.write { try $0.execute(sql: sql) } }
        }
        #expect(try await allEvents(store).isEmpty)
    }

    @Test func theFeedStepsOverAnEventItCannotRead() async throws {
        let store = try makeStore()
        _ = try await store.issue(service: "B", priority: false, by: staff)
        let first = try #require(try await allEvents(store).first?.seq)
        // Passes the schema's checks but names a day that does not exist.
        let db = try GRDB.DatabaseQueue(path: store.path)
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO events (at, day, type, actor, ticket_id, data)
                VALUES (1, '2026-11-30', 'ticket.issued', 'integrator', 1,
                        '{"prefix": "B", "number": 1, "service": "B", "ticket_day": "2026-19-39"}')
                """)
        }
        _ = try await store.issue(service: "B", priority: false, by: staff)
        var seen: [Int64] = []
        for try await event in store.feed(after: 0) {
            seen.append(event.seq)
            if event.seq == first + 2 { break }
        }
        #expect(seen == [first, first + 2])
        let board = try await store.board(day: store.today())
        #expect(board.queues["B"]?.waiting.count == 2)
    }

    @Test func aStoreReopensWithItsData() async throws {
        let path = Fixtures.temporaryStorePath()
        let first = try makeStore(path: path)
        let ticket = try await first.issue(service: "B", priority: false, by: staff)
        let id = try await first.databaseID()
        let second = try makeStore(path: path)
        #expect(try await second.ticket(.id(ticket.id)) == ticket)
        #expect(try await second.databaseID() == id)
        #expect(try await makeStore().databaseID() != id)
    }

    /// Several programs starting on a file that does not exist yet all migrate it and open it (as each
    /// opens its own connections, threads here race as processes do).
    @Test func storesOpeningANewFileTogetherAllSucceed() async throws {
        for _ in 0..<3 {
            let path = Fixtures.temporaryStorePath()
            let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await offloaded { (try? makeStore(path: path)) != nil } }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(opened == 8)
        }
    }
}



@Suite("Event data")
struct EventDataTests {
    @Test(arguments: ["A", "quote \" and \\ backslash", "line\nbreak\ttab\u{1}", "Lantai 2 — ruang ü 🙂", ""])
    func handWrittenJSONReadsBack(text: String) throws {
        let data = EventData(prefix: text, number: 12, ticketDay: "2026-11-30", service: text, priority: true,
                             counterState: nil, fromService: text)
        let decoded = try JSONDecoder().decode(EventData.self, from: Data(data.json.utf8))
        #expect(decoded.prefix == text && decoded.service == text && decoded.fromService == text)
        #expect(decoded.number == 12 && decoded.priority == true && decoded.counterState == nil)
        #expect(try JSONSerialization.jsonObject(with: Data(data.json.utf8)) is [String: Any])
    }
}
