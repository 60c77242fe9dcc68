import Foundation
import GRDB
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilStore

@Suite("Queue invariants under random operations")
struct InvariantTests {
    /// Random commands, valid and invalid, over a simulated day that crosses local midnight. After each
    /// batch the store must hold its invariants and the board read from its state must equal the board
    /// folded from its log.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomOperationsKeepTheInvariants(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let clock = ManualClock(Fixtures.wib("2026-11-30 22:30"))
        var site = Fixtures.smallSite
        site.enforceHours = false
        if seed % 2 == 0 { site.callPolicy = .interleave(regularPerPriority: 2) }
        let store = try makeStore(site, clock: clock)
        let services = site.services.map(\.code) + ["Z"]
        let counters = site.counters.map(\.number) + [9]
        var issued: [Ticket] = []
        var called: [Ticket] = []
        var refused = 0

        for round in 0..<600 {
            clock.advance(by: Double(Int.random(in: 1...30, using: &random)))
            // Mostly tickets that were called lately, so that later steps are often allowed.
            let ticket: TicketSelector = switch Int.random(in: 0..<20, using: &random) {
            case 0: .id(Int64.random(in: 1...999, using: &random))
            case 1...12 where !called.isEmpty: .id(called.suffix(4).randomElement(using: &random)!.id)
            default: issued.isEmpty ? .id(1) : .id(issued.randomElement(using: &random)!.id)
            }
            let counter = counters.randomElement(using: &random)!
            let service = services.randomElement(using: &random)!
            do {
                switch Int.random(in: 0..<14, using: &random) {
                case 0, 1, 2: issued.append(try await store.issue(service: service, priority: Bool.random(using: &random), by: staff))
                case 3, 4: called.append(try await store.callNext(counter: counter, by: staff))
                case 5: called.append(try await store.call(ticket, counter: counter, by: staff))
                case 6: _ = try await store.recall(ticket, by: staff)
                case 7: _ = try await store.start(ticket, by: staff)
                case 8: _ = try await store.complete(ticket, by: staff)
                case 9: _ = try await store.noShow(ticket, by: staff)
                case 10: _ = try await store.transfer(ticket, to: service, by: staff)
                case 11: _ = Bool.random(using: &random) ? try await store.requeue(ticket, by: staff) : try await store.cancel(ticket, by: staff)
                case 12:
                    switch Int.random(in: 0...3, using: &random) {
                    case 0, 1:
                        // Now or a little later, until someone ends it or for a while.
                        let zones = [[], ["z1"], ["z2"], ["z1", "z2"], ["z9"]].randomElement(using: &random)!
                        let now = clock.now()
                        let startsAt = Bool.random(using: &random) ? nil : now.addingTimeInterval(Double.random(in: -30...120, using: &random))
                        let until = Bool.random(using: &random) ? nil : now.addingTimeInterval(Double.random(in: -10...300, using: &random))
                        _ = try await store.startBroadcast(BroadcastDraft(
                            kind: Bool.random(using: &random) ? .notice : .emergency, text: "Pengumuman \(round)", zones: zones,
                            startsAt: startsAt, until: until, spoken: Bool.random(using: &random)), by: staff)
                    case 2:
                        _ = try await store.endBroadcast(Int64.random(in: 1...12, using: &random), by: staff)
                    default:
                        _ = try await store.advanceBroadcasts()
                    }
                default: _ = try await store.setCounter(counter, to: [CounterState.open, .open, .open, .paused, .closed].randomElement(using: &random)!, by: staff)
                }
            } catch is QueueError {
                refused += 1
            }
            if round % 50 == 49 { try await checkInvariants(store, site: site) }
        }
        #expect(refused > 0 && refused < 600, "the run exercises both paths")
        let types = Set(try await allEvents(store).map(\.type))
        #expect(types.isSuperset(of: [.ticketIssued, .ticketCalled, .ticketCompleted, .ticketTransferred, .counterChanged,
                                      .broadcastStarted, .broadcastEnded]))
        #expect(store.today() == LocalDate(year: 2026, month: 12, day: 1), "the run crossed local midnight")
        try await checkInvariants(store, site: site)
    }

    func checkInvariants(_ store: SQLiteQueueStore, site: Site) async throws {
        let db = try DatabaseQueue(path: store.path)
        try await db.read { db in
            // Event sequence is contiguous from just above the database's random base.
            let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM events ORDER BY seq")
            let base = try #require(try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'seq_base'"))
            #expect(base % 1_000_000_000 == 0 && base > 0 && base < 1 << 53)
            #expect(seqs == (0..<seqs.count).map { base + 1 + Int64($0) })
            // Numbers are unique and contiguous per prefix per day.
            for row in try Row.fetchAll(db, sql: "SELECT prefix, day, COUNT(*) AS n, COUNT(DISTINCT number) AS d, MAX(number) AS m FROM tickets GROUP BY prefix, day") {
                let n: Int = row["n"], d: Int = row["d"], m: Int = row["m"]
                #expect(n == d && d == m, "numbers of \(row["prefix"] ?? "") on \(row["day"] ?? "")")
            }
            // A ticket is at one counter at most, and exactly while called or serving.
            let held = try Row.fetchAll(db, sql: "SELECT number, ticket_id FROM counters WHERE ticket_id IS NOT NULL")
            let heldIDs = held.map { $0["ticket_id"] as Int64 }
            #expect(Set(heldIDs).count == heldIDs.count)
            for row in try Row.fetchAll(db, sql: "SELECT id, state, counter FROM tickets") {
                let id: Int64 = row["id"]
                let state: String = row["state"]
                let counter: Int? = row["counter"]
                if state == "called" || state == "serving" {
                    #expect(held.contains { $0["number"] == counter && $0["ticket_id"] == id }, "ticket \(id) at counter \(counter ?? -1)")
                } else {
                    #expect(counter == nil && !heldIDs.contains(id), "ticket \(id) is \(state) but at a counter")
                }
            }
        }
        // The board from the store's state equals the board folded from the log.
        let today = store.today()
        let events = try await allEvents(store)
        let firstDay = events.first?.day ?? today
        var replayed = Board(site: site, day: firstDay).applying(events)
        replayed.rollOver(to: today)
        let stored = try await store.board(day: today)
        #expect(stored == replayed)
    }
}

@Suite("Concurrent callers")
struct ConcurrencyTests {
    /// Thirty counters press "call next" at once, over and over, through two independent connections to
    /// the file (as two processes would): every ticket is called exactly once.
    @Test func thirtyCountersNeverShareATicket() async throws {
        let site = Fixtures.busySite(counters: 30, services: ["A", "B"])
        let path = Fixtures.temporaryStorePath()
        let clock = SystemClock()
        let first = try makeStore(site, clock: clock, path: path)
        let second = try makeStore(site, clock: clock, path: path)
        var issued: Set<Int64> = []
        for n in 0..<600 { issued.insert(try await first.issue(service: n % 3 == 0 ? "B" : "A", priority: n % 7 == 0, by: staff).id) }
        for counter in 1...30 { _ = try await first.setCounter(counter, to: .open, by: staff) }

        let calls = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for counter in 1...30 {
                let store = counter % 2 == 0 ? first : second
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        do {
                            let ticket = try await store.callNext(counter: counter, by: staff)
                            mine.append(ticket.id)
                            try await serve(store, ticket.id)
                        } catch let error as QueueError where error.code == .queueEmpty {
                            return mine
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(calls.count == issued.count, "none served twice")
        #expect(Set(calls) == issued, "none skipped")
        let events = try await allEvents(first)
        let firstSeq = try #require(events.first?.seq)
        #expect(events.map(\.seq) == Array(firstSeq..<firstSeq + Int64(events.count)))
        #expect(events.count { $0.type == .ticketCalled } == 600)
    }
}

@Suite("Feed")
struct FeedTests {
    @Test func theFeedDeliversEveryCommitOnceInOrder() async throws {
        let path = Fixtures.temporaryStorePath()
        let site = Fixtures.busySite(counters: 2)
        let reader = try makeStore(site, clock: SystemClock(), path: path)
        let writer = try makeStore(site, clock: SystemClock(), path: path)
        _ = try await writer.issue(service: "A", priority: false, by: staff)
        let start = try #require(try await reader.events(after: 0, limit: 1).first?.seq)
        let feed = reader.feed(after: start)
        let collector = Task {
            var seen: [Int64] = []
            for try await event in feed {
                seen.append(event.seq)
                if seen.count == 100 { break }
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in [reader, writer] {
                group.addTask { for _ in 0..<50 { _ = try await store.issue(service: "A", priority: false, by: staff) } }
            }
            try await group.waitForAll()
        }
        #expect(try await collector.value == Array(start + 1...start + 100))
    }

    /// Another connection's commit wakes the feed through the file watcher, long before its safety poll.
    @Test func anotherWritersCommitWakesTheFeedWithoutPolling() async throws {
        let path = Fixtures.temporaryStorePath()
        let site = Fixtures.busySite(counters: 2)
        var options = SQLiteQueueStore.Options()
        options.watchedPollInterval = .seconds(120)
        options.pollInterval = .seconds(120)
        let reader = try SQLiteQueueStore(path: path, site: site, clock: SystemClock(), options: options)
        let writer = try makeStore(site, clock: SystemClock(), path: path)
        let first = try await writer.issue(service: "A", priority: false, by: staff)
        let start = try #require(try await reader.events(after: 0, limit: 1).first?.seq)
        let feed = reader.feed(after: start)
        let collector = Task {
            var seen: [Int64] = []
            for try await event in feed {
                seen.append(event.ticket?.id ?? 0)
                if seen.count == 3 { break }
            }
            return seen
        }
        var issued: [Int64] = []
        let began = ContinuousClock.now
        for _ in 0..<3 {
            // Let the feed fall asleep between commits, so that each one must be noticed afresh.
            try await Task.sleep(for: .milliseconds(200))
            issued.append(try await writer.issue(service: "A", priority: false, by: staff).id)
        }
        #expect(try await collector.value == issued)
        #expect(issued.first != first.id)
        // Loose on purpose (a shared machine); the safety poll alone would take two minutes.
        #expect(ContinuousClock.now - began < .seconds(30))
    }

    /// The kernel gives a user 128 inotify instances by default. Stores share one, so a process with
    /// hundreds of open stores (this test run has more) still hears other writers instead of polling.
    @Test func hundredsOfOpenStoresShareOneInotifyInstance() async throws {
        let site = Fixtures.busySite(counters: 2)
        let stores = try (0..<200).map { _ in try makeStore(site, clock: SystemClock(), path: Fixtures.temporaryStorePath()) }
        let inotifyDescriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == "anon_inode:inotify"
        }
        #expect(inotifyDescriptors.count == 1)

        let path = Fixtures.temporaryStorePath()
        var options = SQLiteQueueStore.Options()
        options.watchedPollInterval = .seconds(120)
        options.pollInterval = .seconds(120)
        let reader = try SQLiteQueueStore(path: path, site: site, clock: SystemClock(), options: options)
        let writer = try makeStore(site, clock: SystemClock(), path: path)
        _ = try await writer.issue(service: "A", priority: false, by: staff)
        let start = try #require(try await reader.events(after: 0, limit: 1).first?.seq)
        let feed = reader.feed(after: start)
        let collector = Task {
            for try await event in feed { return event.ticket?.id }
            return nil
        }
        try await Task.sleep(for: .milliseconds(200))
        let began = ContinuousClock.now
        let issued = try await writer.issue(service: "A", priority: false, by: staff)
        #expect(try await collector.value == issued.id)
        #expect(ContinuousClock.now - began < .seconds(30))
        withExtendedLifetime(stores) {}
    }
}

@Suite("Asking whether another process writes")
struct OtherWritersTests {
    /// What another process sees of this process's locks on the `-shm` file: SQLite's in-use lock
    /// (byte 128, held shared by every open connection) and its WAL write lock (byte 120).
    static func locksSeenFromOutside(_ shm: String) async throws -> String {
        let script = """
            import fcntl, os, struct, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            out = []
            for offset in (128, 120):
                got = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, offset, 1, 0))
                out.append("held" if struct.unpack("hhqqi4x", got)[0] != fcntl.F_UNLCK else "free")
            print(" ".join(out))
            """
        let run = try await runToEnd(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, shm])
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Closing any descriptor of a file drops every POSIX lock the process holds on it. An earlier
    /// version opened and closed the `-shm` file for each question, which let another process take the
    /// index for unused and rebuild it under the server's memory map (SIGBUS in the shutdown drill).
    @Test func askingKeepsSQLitesOwnLocks() async throws {
        let path = Fixtures.temporaryStorePath()
        let store = try makeStore(Fixtures.busySite(counters: 2), clock: SystemClock(), path: path)
        _ = try await store.issue(service: "A", priority: false, by: EventActor("user:admin"))
        #expect(try await Self.locksSeenFromOutside(path + "-shm") == "held free", "the store's connections hold the index")
        let writers = OtherWriters(databasePath: path, store: ObjectIdentifier(store))
        for _ in 0..<3 { #expect(!writers.areWriting(), "nobody else writes") }
        #expect(try await Self.locksSeenFromOutside(path + "-shm") == "held free", "asking dropped SQLite's locks")
        _ = try await store.issue(service: "A", priority: false, by: EventActor("user:admin"))
        #expect(try await Self.locksSeenFromOutside(path + "-shm") == "held free")
    }
}
