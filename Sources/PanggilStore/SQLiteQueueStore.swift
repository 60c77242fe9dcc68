import Foundation
import GRDB
import Logging
import PanggilCore

/// The queue store: one SQLite file in WAL mode whose append-only `events` table is the source of truth.
/// Several processes may open the same file (the server, `panggil` commands, an integrator): SQLite
/// serialises their writes, and each process's feed reads every committed event in sequence order.
public final class SQLiteQueueStore: QueueStore {
    public struct Options: Sendable {
        /// `FULL` syncs the log on every commit: an acknowledged command survives a power cut.
        public var synchronousFull = true
        /// How often a feed looks for commits made by other processes. Where the file can be watched
        /// (Linux inotify), a write to it wakes the feeds at once and `watchedPollInterval` applies instead,
        /// as a safety net.
        public var pollInterval: Duration = .milliseconds(10)
        public var watchedPollInterval: Duration = .seconds(1)
        /// How long a writer waits for another process's write lock before giving up.
        public var busyTimeout: TimeInterval = 10

        public init() {}
    }

    public let site: Site
    public let path: String
    public let clock: any WallClock
    let pool: DatabasePool
    /// A connection of its own for the feeds' frequent "anything new?" question, asked in place
    /// rather than through the pool's reader threads: at a hundred polls a second, a pooled read's
    /// hops cost an idle server several percent of a core.
    private let watch: DatabaseQueue
    private let watcher: LogFileWatcher?
    private let otherWriters: OtherWriters
    /// The access store's connection for per-request lookups (see `SQLiteAccessStore.lookups`).
    let lookups: DatabaseQueue
    private let commits: CommitQueue
    private let signal: CommitSignal
    private let options: Options
    private let logger: Logger
    private let committed = NewestSeq()
    private let observers = CommitObservers()

    public init(
        path: String, site: Site, clock: any WallClock = SystemClock(), options: Options = Options(),
        logger: Logger = Logger(label: "panggil.store")
    ) throws {
        self.site = site
        self.path = path
        self.clock = clock
        self.options = options
        self.logger = logger
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout)
        let synchronous = options.synchronousFull ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        pool = try Self.openMigrated(path: path, configuration: configuration)
        var watching = Configuration()
        watching.readonly = true
        watching.busyMode = .timeout(options.busyTimeout)
        watch = try DatabaseQueue(path: path, configuration: watching)
        lookups = try DatabaseQueue(path: path, configuration: watching)
        let signal = CommitSignal()
        self.signal = signal
        // The signal is this store's alone and lives as long as it: it names the store among the writers.
        let otherWriters = OtherWriters(databasePath: path, store: ObjectIdentifier(signal))
        self.otherWriters = otherWriters
        let watch = watch, committed = committed
        watcher = LogFileWatcher(databasePath: path) {
            // The log changes with this store's own commits too, and those reach the feeds directly. The
            // feeds are woken only for someone else's commit: one on its way, or one newer than ours.
            // (Another's commit older than our newest was followed by ours, whose wake finds the gap.)
            if !otherWriters.areWriting(), let newest = try? watch.inDatabase({ try Self.newestSeq($0) }),
               newest <= committed.value {
                return
            }
            signal.wake()
        }
        if watcher == nil {
            logger.notice("cannot watch the database file; looking for other processes' commits by polling")
        } else {
            Self.wakeNowAndThen(signal, every: options.watchedPollInterval)
        }
        let observers = observers
        commits = CommitQueue(pool: pool, writers: otherWriters, didCommit: { events in
            // Raised before anyone hears of the commit, so that the watcher takes it for ours.
            if let last = events.last { committed.raise(to: last.seq) }
            observers.notify(events)
            signal.signal(committed: events)
        })
    }

    /// Processes creating the same new file at once race twice. Turning the new file to WAL needs it
    /// alone, and when two connections would deadlock on that step SQLite answers "locked" to one
    /// of them in spite of the busy timeout. Then the migrations: a loser finds a step the winner has just
    /// made ("table already exists", "duplicate column") and its own try is rolled back. Each try
    /// starts from what is on disk, so trying again converges; with six migrations and several
    /// processes one retry was not always enough.
    private static func openMigrated(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempt = 0
        var opened: DatabasePool?
        while true {
            do {
                let pool = try opened ?? DatabasePool(path: path, configuration: configuration)
                opened = pool
                try Schema.migrator.migrate(pool)
                return pool
            } catch {
                attempt += 1
                if attempt >= 30 { throw error }
                Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.2))
            }
        }
    }

    /// The safety net under the file watcher: the feeds look at the log now and then even when nothing
    /// woke them, and a feed whose reader has gone notices it. Ends with the last feed of the store.
    private static func wakeNowAndThen(_ signal: CommitSignal, every interval: Duration) {
        Task { [weak signal] in
            while true {
                try? await Task.sleep(for: interval)
                guard let signal else { return }
                signal.wake()
            }
        }
    }

    /// Identifies this database file across restarts; a new file gets a new id.
    public func databaseID() async throws -> String {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'database_id'") ?? ""
        }
    }

    public func today() -> LocalDate {
        LocalDate(clock.now(), in: site.timeZone)
    }

    public var committedSeq: Int64 { committed.value }

    public func observeCommits(_ observer: @escaping @Sendable ([QueueEvent]) -> Void) {
        observers.add(observer)
    }

    // MARK: - The site file the store was last used with

    /// The site file text that a command with `--config` last stored in this database, and its path,
    /// so that commands without `--config` use the same hall as the server. Nil for a new database.
    public static func rememberedSiteFile(at path: String) -> (text: String, source: String)? {
        guard FileManager.default.fileExists(atPath: path), let db = try? DatabaseQueue(path: path) else { return nil }
        return try? db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key IN ('site_file', 'site_file_path')")
            let values = Dictionary(uniqueKeysWithValues: rows.map { ($0["key"] as String, $0["value"] as String) })
            return values["site_file"].map { ($0, values["site_file_path"] ?? "?") }
        }
    }

    public func rememberSiteFile(_ text: String, source: String) async throws {
        try await pool.write { db in
            for (key, value) in [("site_file", text), ("site_file_path", source)] {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            }
        }
    }

    // MARK: - Commands

    public func issue(service code: String, priority: Bool, by actor: EventActor) async throws -> Ticket {
        guard let service = site.service(code) else { throw QueueError.unknownService(code) }
        return try await command { db, now in
            let moment = LocalMoment(now, in: self.site.timeZone)
            if self.site.enforceHours {
                switch self.site.availability(of: service, at: moment) {
                case .open: break
                case .holiday(let holiday):
                    throw QueueError(.serviceClosed, "Hari ini libur (\(holiday.name)); pelayanan tutup. Silakan datang pada hari kerja berikutnya.")
                case .onBreak(let pause):
                    throw QueueError(.serviceClosed,
                        "Layanan \(service.name) sedang istirahat (\(pause.name)) sampai pukul \(pause.time.end). Silakan ambil nomor setelahnya.")
                case .outsideHours(let hours):
                    throw QueueError(.serviceClosed, "Layanan \(service.name) sedang tutup. Jam layanan: \(hours.summary).")
                }
            }
            let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(number) FROM tickets WHERE prefix = ? AND day = ?"),
                                        arguments: [service.code, moment.date.description]) ?? 0
            if let quota = service.dailyQuota, last >= quota {
                throw QueueError(.quotaReached,
                    "Kuota hari ini untuk layanan \(service.name) (\(quota) tiket) sudah habis. Silakan datang lagi besok.")
            }
            var ticket = Ticket(id: 0, publicCode: PublicCode.make(), prefix: service.code, number: last + 1,
                                day: moment.date, service: service.code, priority: priority, issuedAt: now)
            ticket.id = try ticket.insert(db)
            let event = try QueueEvent.append(db, type: .ticketIssued, at: now, day: moment.date, actor: actor, ticket: ticket)
            return (ticket, event)
        }
    }

    public func callNext(counter number: Int, by actor: EventActor) async throws -> Ticket {
        guard let counter = site.counter(number) else { throw QueueError.unknownCounter(number) }
        return try await command { db, now in
            var record = try CounterRecord.load(number, db)
            try record.checkCanCall()
            let day = LocalDate(now, in: self.site.timeZone)
            let services = counter.services
            func oldest(priority: Bool) throws -> Candidate? {
                // One indexed seek per service: `service IN (...) ORDER BY queued_at` would sort every
                // waiting ticket of those services on each call.
                var best: (queuedAt: Int64, id: Int64)?
                for service in services {
                    guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                        SELECT id, queued_at FROM tickets
                        WHERE state = 'waiting' AND day = ? AND service = ? AND priority = ?
                        ORDER BY queued_at, id LIMIT 1
                        """), arguments: [day.description, service, priority ? 1 : 0]) else { continue }
                    let candidate: (queuedAt: Int64, id: Int64) = (row["queued_at"], row["id"])
                    if best.map({ candidate < $0 }) ?? true { best = candidate }
                }
                return best.map { Candidate(ticketID: $0.id, priority: priority) }
            }
            guard let choice = self.site.callPolicy.choose(
                oldestRegular: try oldest(priority: false), oldestPriority: try oldest(priority: true),
                regularStreak: record.regularStreak)
            else {
                throw QueueError(.queueEmpty,
                    "Tidak ada antrian untuk \(counter.name) (layanan \(services.joined(separator: ", "))).")
            }
            var ticket = try self.load(.id(choice.ticket.ticketID), db, now: now)
            try ticket.call(at: number, now: now)
            try ticket.update(db)
            record.ticketID = ticket.id
            record.regularStreak = choice.regularStreak
            try record.save(db)
            let event = try QueueEvent.append(db, type: .ticketCalled, at: now, day: day, actor: actor, ticket: ticket, counter: number)
            return (ticket, event)
        }
    }

    public func call(_ selector: TicketSelector, counter number: Int, by actor: EventActor) async throws -> Ticket {
        guard let counter = site.counter(number) else { throw QueueError.unknownCounter(number) }
        return try await command { db, now in
            var record = try CounterRecord.load(number, db)
            var ticket = try self.load(selector, db, now: now)
            guard counter.services.contains(ticket.service) else {
                throw QueueError(.serviceNotServed,
                    "\(counter.name) tidak melayani layanan \(ticket.service) (tiket \(ticket.label)).")
            }
            try record.checkCanCall()
            try ticket.call(at: number, now: now)
            try ticket.update(db)
            record.ticketID = ticket.id
            try record.save(db)
            let event = try QueueEvent.append(db, type: .ticketCalled, at: now, day: LocalDate(now, in: self.site.timeZone),
                                      actor: actor, ticket: ticket, counter: number)
            return (ticket, event)
        }
    }

    public func recall(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketRecalled, by: actor) { try $0.recall(now: $1) }
    }

    public func start(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketStarted, by: actor) { try $0.start(now: $1) }
    }

    public func complete(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketCompleted, by: actor) { try $0.complete(now: $1) }
    }

    public func noShow(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketNoShow, by: actor) { try $0.markNoShow(now: $1) }
    }

    public func requeue(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketRequeued, by: actor) { try $0.requeue(now: $1) }
    }

    public func cancel(_ selector: TicketSelector, by actor: EventActor) async throws -> Ticket {
        try await step(selector, .ticketCancelled, by: actor) { try $0.cancel(now: $1) }
    }

    public func transfer(_ selector: TicketSelector, to code: String, by actor: EventActor) async throws -> Ticket {
        guard let target = site.service(code) else { throw QueueError.unknownService(code) }
        return try await step(selector, .ticketTransferred, by: actor) { try $0.transfer(to: target.code, now: $1) }
    }

    public func setCounter(_ number: Int, to state: CounterState, by actor: EventActor) async throws -> CounterRecord {
        guard site.counter(number) != nil else { throw QueueError.unknownCounter(number) }
        return try await command { db, now in
            var record = try CounterRecord.load(number, db)
            try record.change(to: state)
            try record.save(db)
            let event = try QueueEvent.append(db, type: .counterChanged, at: now, day: LocalDate(now, in: self.site.timeZone),
                                      actor: actor, counter: number, counterState: state)
            return (record, event)
        }
    }

    /// Logs what the loudspeakers did with an announcement: `announcement.started` or
    /// `announcement.finished` (with `record.outcome`), naming the ticket and counter of the call.
    public func recordAnnouncement(
        _ type: EventType, _ record: AnnouncementRecord, ticket: TicketRef?, counter: Int?, by actor: EventActor
    ) async throws -> QueueEvent {
        precondition(type.isAnnouncement, "recordAnnouncement logs announcement events only")
        guard site.zone(record.zone) != nil else { throw QueueError(.unknownZone, "Zona '\(record.zone)' tidak ada di situs ini.") }
        return try await command { db, now in
            let event = try QueueEvent.append(db, type: type, at: now, day: LocalDate(now, in: self.site.timeZone), actor: actor,
                                              ticket: ticket, counter: counter, announcement: record)
            return (event, event)
        }
    }

    public func startBroadcast(_ draft: BroadcastDraft, by actor: EventActor) async throws -> Broadcast {
        let text = try Self.broadcastText(draft.text, label: "Teks siaran")
        let english = try draft.english.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            .map { try Self.broadcastText($0, label: "Teks bahasa Inggris") }
        for zone in draft.zones where site.zone(zone) == nil {
            throw QueueError(.unknownZone, "Zona '\(zone)' tidak ada di situs ini.")
        }
        var distinct: [String] = []
        for zone in draft.zones where !distinct.contains(zone) { distinct.append(zone) }
        let zones = distinct
        return try await command { db, now in
            // A start in the past (a clock a little behind, a form filled in slowly) means now.
            let start = max(now, draft.startsAt ?? now)
            if let until = draft.until, until <= start {
                throw QueueError(.invalidBroadcast, "Waktu selesai siaran harus setelah waktu mulainya.")
            }
            var broadcast = Broadcast(id: 0, kind: draft.kind, text: text, english: english, zones: zones, startedAt: start,
                                      until: draft.until, spoken: draft.spoken, occasion: draft.occasion, services: draft.services)
            let later = start > now
            broadcast.id = try broadcast.insert(db, by: actor, scheduled: later)
            if later { return (broadcast, nil) }
            let event = try broadcast.logStart(db, at: now, day: LocalDate(now, in: self.site.timeZone), by: actor)
            broadcast.startedEvent = event.seq
            return (broadcast, event)
        }
    }

    private static func broadcastText(_ raw: String, label: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw QueueError(.invalidBroadcast, "\(label) kosong.") }
        // A screen cannot show a control character, and SQLite ends a string at the first NUL.
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw QueueError(.invalidBroadcast, "\(label) berisi karakter kendali yang tidak bisa ditampilkan.")
        }
        // Counted as the database counts (code points), so that nothing the check admits is refused by it.
        guard text.unicodeScalars.count <= Broadcast.maxTextLength else {
            throw QueueError(.invalidBroadcast, "\(label) terlalu panjang (\(text.unicodeScalars.count) huruf; paling banyak \(Broadcast.maxTextLength)).")
        }
        return text
    }

    public func endBroadcast(_ id: Int64, by actor: EventActor) async throws -> Broadcast {
        try await command { db, now in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM broadcasts WHERE id = ? AND ended_at IS NULL", arguments: [id]) else {
                throw QueueError(.broadcastNotFound, "Siaran #\(id) tidak ada atau sudah berakhir.")
            }
            let broadcast = try Broadcast(row: row)
            try db.execute(sql: "UPDATE broadcasts SET ended_at = ?, ended_by = ? WHERE id = ?", arguments: [now.millis, actor.rawValue, id])
            if row["scheduled"] == true { return (broadcast, nil) }
            let event = try QueueEvent.append(db, type: .broadcastEnded, at: now, day: LocalDate(now, in: self.site.timeZone),
                                              actor: actor, ticket: nil, broadcast: broadcast)
            return (broadcast, event)
        }
    }

    public func scheduledBroadcasts() async throws -> [Broadcast] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM broadcasts WHERE scheduled = 1 AND ended_at IS NULL ORDER BY started_at, id")
                .map(Broadcast.init(row:))
        }
    }

    public func advanceBroadcasts() async throws -> [QueueEvent] {
        // Looked at every second by the server: a read first, so that an idle hall never takes the write lock.
        let now = clock.now().storable
        let due = try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM broadcasts WHERE ended_at IS NULL
                               AND ((scheduled = 1 AND started_at <= ?) OR (scheduled = 0 AND until <= ?)))
                """, arguments: [now.millis, now.millis]) ?? false
        }
        guard due else { return [] }
        return try await commandEvents { db, now in
            var events: [QueueEvent] = []
            let day = LocalDate(now, in: self.site.timeZone)
            // Ends first: one posted to begin and end while the server was down is begun and then ended,
            // so that the log still tells the whole story.
            let due = try Row.fetchAll(db, sql: """
                SELECT * FROM broadcasts WHERE scheduled = 1 AND ended_at IS NULL AND started_at <= ? ORDER BY started_at, id
                """, arguments: [now.millis])
            for row in due {
                events.append(try Broadcast(row: row).logStart(db, at: now, day: day, by: EventActor(row["started_by"])))
            }
            let expired = try Row.fetchAll(db, sql: """
                SELECT * FROM broadcasts WHERE scheduled = 0 AND ended_at IS NULL AND until <= ? ORDER BY until, id
                """, arguments: [now.millis])
            for row in expired {
                let broadcast = try Broadcast(row: row)
                try db.execute(sql: "UPDATE broadcasts SET ended_at = ?, ended_by = ? WHERE id = ?",
                               arguments: [now.millis, EventActor.system.rawValue, broadcast.id])
                events.append(try QueueEvent.append(db, type: .broadcastEnded, at: now, day: day, actor: .system,
                                                    ticket: nil, broadcast: broadcast))
            }
            return events
        }
    }

    /// A lifecycle step on one ticket. The event names the counter the ticket was at; a step that takes
    /// the ticket away from its counter (complete, no-show, transfer) frees that counter.
    private func step(
        _ selector: TicketSelector, _ type: EventType, by actor: EventActor,
        _ transition: @escaping @Sendable (inout Ticket, Date) throws -> Void
    ) async throws -> Ticket {
        try await command { db, now in
            var ticket = try self.load(selector, db, now: now)
            let before = ticket
            try transition(&ticket, now)
            try ticket.update(db)
            if let counter = before.counter, ticket.counter == nil {
                var record = try CounterRecord.load(counter, db)
                if record.ticketID == ticket.id {
                    record.ticketID = nil
                    try record.save(db)
                }
            }
            let event = try QueueEvent.append(db, type: type, at: now, day: LocalDate(now, in: self.site.timeZone), actor: actor,
                                      ticket: ticket, counter: before.counter,
                                      fromService: type == .ticketTransferred ? before.service : nil)
            return (ticket, event)
        }
    }

    /// Runs a command in the commit queue; its body returns its result and the one event it appended.
    /// A command that appends one event, or (returning nil) none: a refused or a quiet one.
    private func command<T: Sendable>(_ body: @escaping @Sendable (Database, Date) throws -> (T, QueueEvent?)) async throws -> T {
        // The commit queue's `didCommit` notes the newest event, before this returns.
        let (result, _) = try await commits.perform { db in
            // Read the clock inside the transaction so that `at` follows commit order within this process.
            let (result, event) = try body(db, self.clock.now().storable)
            return (result, event.map { [$0] } ?? [])
        }
        return result
    }

    private func commandEvents(_ body: @escaping @Sendable (Database, Date) throws -> [QueueEvent]) async throws -> [QueueEvent] {
        let (events, _) = try await commits.perform { db in
            let events = try body(db, self.clock.now().storable)
            return (events, events)
        }
        return events
    }

    private func load(_ selector: TicketSelector, _ db: Database, now: Date) throws -> Ticket {
        let row: Row?
        switch selector {
        case .id(let id):
            row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Ticket.columns) FROM tickets WHERE id = ?"), arguments: [id])
        case .label(let label):
            row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Ticket.columns) FROM tickets WHERE prefix = ? AND number = ? AND day = ?"),
                                   arguments: [label.prefix, label.number, LocalDate(now, in: site.timeZone).description])
        }
        guard let row else { throw QueueError.ticketNotFound(selector) }
        return try Ticket(row: row)
    }

    // MARK: - Reads

    public func ticket(_ selector: TicketSelector) async throws -> Ticket {
        let now = clock.now()
        return try await pool.read { db in try self.load(selector, db, now: now) }
    }

    public func ticket(publicCode: String) async throws -> Ticket? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Ticket.columns) FROM tickets WHERE public_code = ?"),
                             arguments: [publicCode]).map(Ticket.init(row:))
        }
    }

    /// A consistent copy of the whole store (queue, log, users) at `destination`, made with SQLite's
    /// online backup inside one read transaction: commands go on meanwhile and the copy is the store
    /// as it was at one commit. The copy is checked before this returns; the answer is its events'
    /// count and latest sequence number.
    public func backup(to destination: String) async throws -> (events: Int, latest: Int64) {
        let copy = try DatabaseQueue(path: destination)
        try pool.backup(to: copy)
        return try await copy.read { db in
            let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "?"
            guard check == "ok" else { throw StoreCorruption("the backup at \(destination) fails its check: \(check)") }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
            let latest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
            return (count, latest)
        }
    }

    public func countersOpen(before day: LocalDate) async throws -> Set<Int> {
        try await pool.read { db in
            Set(try Int.fetchAll(db, sql: """
                SELECT counter FROM events WHERE seq IN (
                    SELECT MAX(seq) FROM events WHERE type = 'counter.changed' AND day < ? GROUP BY counter)
                AND json_extract(data, '$.counter_state') = 'open'
                """, arguments: [day.description]))
        }
    }

    /// The first local day whose events are all still in the log; days before it may have been pruned.
    public func retainedSince() async throws -> LocalDate? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'retained_since'").flatMap { LocalDate(iso: $0) }
        }
    }

    /// Deletes the events of the days before `day`, the site's retention having run out for them, and
    /// returns how many went. The mark moves first, in its own commit, so that a report or resume
    /// asked meanwhile knows those days are going; the deletes follow in small transactions so that
    /// commands are never kept waiting long. The newest event always stays: it carries the sequence
    /// a resuming display is checked against.
    @discardableResult
    public func pruneEvents(before day: LocalDate) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE meta SET value = max(value, ?) WHERE key = 'retained_since'", arguments: [day.description])
        }
        var pruned = 0
        while true {
            let deleted = try await pool.write { db -> Int in
                try db.execute(sql: """
                    DELETE FROM events WHERE seq IN (
                        SELECT seq FROM events
                        WHERE day < (SELECT value FROM meta WHERE key = 'retained_since')
                          AND seq < (SELECT MAX(seq) FROM events)
                        ORDER BY seq LIMIT 2000)
                    """)
                return db.changesCount
            }
            pruned += deleted
            guard deleted > 0 else { return pruned }
            await Task.yield()
        }
    }

    public func events(from first: LocalDate, through last: LocalDate) async throws -> [QueueEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(QueueEvent.columns) FROM events WHERE day BETWEEN ? AND ? ORDER BY seq",
                             arguments: [first.description, last.description])
                // A row another program wrote wrongly is left out rather than costing the whole report.
                .compactMap { try? QueueEvent(row: $0) }
        }
    }

    public func events(after seq: Int64, limit: Int) async throws -> [QueueEvent] {
        try await pool.read { db in try Self.entries(db, after: seq, limit: limit).map { try $0.event.get() } }
    }

    public func logBounds() async throws -> LogBounds {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT MIN(seq) FROM events) AS first, (SELECT MAX(seq) FROM events) AS last,
                       (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq_base') AS base
                """)!
            let base: Int64 = row["base"] ?? 0
            let first: Int64? = row["first"]
            return LogBounds(resumableFrom: (first ?? base + 1) - 1, latest: row["last"] ?? base)
        }
    }

    public func board(day: LocalDate) async throws -> Board {
        let site = site
        let logger = logger
        return try await pool.read { db in
            // Rows another program wrote wrongly are left off the board (and logged), not fatal.
            func readable<T>(_ make: () throws -> T) -> T? {
                do { return try make() } catch {
                    logger.error("skipping an unreadable row", metadata: ["problem": "\(error)"])
                    return nil
                }
            }
            // With no event yet, the board stands at the database's base, the id its first snapshot carries.
            var board = Board(site: site, day: day, seq: try Int64.fetchOne(db, sql: """
                SELECT COALESCE((SELECT MAX(seq) FROM events), (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq_base'))
                """) ?? 0)
            for row in try Row.fetchAll(db, sql: "SELECT number, state, ticket_id FROM counters") {
                let number: Int = row["number"]
                guard board.counters[number] != nil, let state = CounterState(rawValue: row["state"]) else { continue }
                board.counters[number]!.state = state
                if let id: Int64 = row["ticket_id"],
                   let ticketRow = try Row.fetchOne(db, sql: "SELECT \(Ticket.columns) FROM tickets WHERE id = ?", arguments: [id]),
                   let ticket = readable({ try Ticket(row: ticketRow) }) {
                    board.counters[number]!.ticket = ticket.ref
                    board.counters[number]!.ticketState = ticket.state
                    board.counters[number]!.since = ticket.state == .serving ? ticket.startedAt : ticket.calledAt
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT \(Ticket.columns) FROM tickets WHERE state = 'waiting' AND day = ? ORDER BY queued_at, id
                """, arguments: [day.description]) {
                guard let ticket = readable({ try Ticket(row: row) }) else { continue }
                board.queues[ticket.service]?.waiting.append(Board.QueuedTicket(ticket: ticket.ref, queuedAt: ticket.queuedAt))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT service, COUNT(*) AS served, SUM(finished_at - started_at) AS millis
                FROM tickets WHERE state = 'done' AND day = ? GROUP BY service
                """, arguments: [day.description]) {
                let code: String = row["service"]
                board.queues[code]?.served = row["served"]
                board.queues[code]?.servedMillis = row["millis"] ?? 0
            }
            let calls = try Row.fetchAll(db, sql: """
                SELECT \(QueueEvent.columns) FROM events
                WHERE day = ? AND type IN ('ticket.called', 'ticket.recalled') ORDER BY seq
                """, arguments: [day.description]).compactMap { row in readable { try QueueEvent(row: row) } }
            for event in calls {
                guard let ticket = event.ticket, let counter = event.counter else { continue }
                if event.type == .ticketCalled, ticket.day == day { board.queues[ticket.service]?.lastCalled = ticket }
                board.recentCalls.insert(Board.Call(ticket: ticket, counter: counter, at: event.at,
                                                    isRecall: event.type == .ticketRecalled), at: 0)
            }
            board.recentCalls = Array(board.recentCalls.prefix(Board.recentCallLimit))
            board.broadcasts = try Row.fetchAll(db, sql: "SELECT * FROM broadcasts WHERE ended_at IS NULL AND scheduled = 0 ORDER BY started_event, id")
                .compactMap { row in readable { try Broadcast(row: row) } }
            return board
        }
    }

    // MARK: - Feed

    public func feed(after seq: Int64) -> AsyncThrowingStream<QueueEvent, Error> {
        let pool = pool
        let watch = watch
        let signal = signal
        let otherWriters = otherWriters
        // With the watcher a feed waits for a wake, which also comes now and then as a safety net
        // (`wakeNowAndThen`); without it, it polls.
        let pollEvery: Duration? = watcher == nil ? options.pollInterval : nil
        let logger = logger
        // The feed keeps the file watcher alive: a caller may let go of the store and keep reading its
        // feed, and without the watcher nothing would wake the feed but the slow safety poll.
        let watcher = watcher
        return AsyncThrowingStream(bufferingPolicy: .unbounded) { continuation in
            let task = Task {
                defer { withExtendedLifetime(watcher) {} }
                var last = seq
                var failures = 0
                // The watcher sees another writer's commit when its log frames are written, which can be
                // a few milliseconds before the commit can be read (the sync, then the shared index,
                // which no file event reports). While another writer is at work, a look that finds
                // nothing is therefore repeated soon, backing off; otherwise the feed sleeps until woken.
                // This process's own commits need neither: they come with their wake.
                var soon: Duration?
                func sleep(after seen: UInt64, othersWriting: Bool) async {
                    if othersWriting {
                        soon = min((soon ?? .milliseconds(1)) * 2, .milliseconds(100))
                    } else {
                        soon = nil
                    }
                    await signal.wait(after: seen, timeout: soon ?? pollEvery)
                }
                while !Task.isCancelled {
                    // Note the signal before reading, so that a commit landing during the read wakes the next wait.
                    let seen = signal.current
                    let after = last
                    // This process's own commits come straight from the commit queue, when they continue
                    // the feed without a gap; anything else (another process wrote in between) is read.
                    let local = signal.committed(after: after)
                    if !local.isEmpty {
                        for event in local { continuation.yield(event) }
                        last = local.last!.seq
                        // No need to look at the log: another's commit since wakes this wait (the watcher).
                        await signal.wait(after: seen, timeout: soon ?? pollEvery)
                        continue
                    }
                    // Asked before looking: a writer lets go only once its commit can be read.
                    let othersWriting = otherWriters.areWriting()
                    // Most polls find nothing: ask the log's newest sequence number first (an index
                    // lookup), and read events only when there are some. A failing look falls through
                    // to the read, which reports and retries.
                    if let newest = try? watch.inDatabase({ try Self.newestSeq($0) }), newest <= after {
                        await sleep(after: seen, othersWriting: othersWriting)
                        continue
                    }
                    let batch: [LogEntry]
                    do {
                        batch = try await pool.read { db in try Self.entries(db, after: after, limit: 1000) }
                        failures = 0
                    } catch {
                        // A busy or briefly unreadable file must not end the displays' feed: try again, slower.
                        failures += 1
                        logger.warning("reading the event log failed; retrying", metadata: ["error": "\(error)"])
                        try? await Task.sleep(for: .milliseconds(min(2_000, 20 << min(failures, 7))))
                        continue
                    }
                    for entry in batch {
                        last = entry.seq
                        switch entry.event {
                        case .success(let event): continuation.yield(event)
                        case .failure(let problem):
                            logger.error("skipping an unreadable event", metadata: ["seq": "\(entry.seq)", "problem": "\(problem)"])
                        }
                    }
                    if batch.isEmpty { await sleep(after: seen, othersWriting: othersWriting) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// One row of the log, read or not: a row that another program wrote wrongly is reported and
    /// stepped over instead of stopping everyone who follows the log.
    private struct LogEntry: Sendable {
        var seq: Int64
        var event: Result<QueueEvent, StoreCorruption>
    }

    private static func newestSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM events")) ?? 0
    }

    private static func entries(_ db: Database, after seq: Int64, limit: Int) throws -> [LogEntry] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(QueueEvent.columns) FROM events WHERE seq > ? ORDER BY seq LIMIT ?"),
                         arguments: [seq, limit]).map { row in
            LogEntry(seq: row["seq"], event: Result { try QueueEvent(row: row) }.mapError {
                $0 as? StoreCorruption ?? StoreCorruption("\($0)")
            })
        }
    }
}

/// Who is told of this process's commits on the committing thread.
final class CommitObservers: @unchecked Sendable {
    private let lock = NSLock()
    private var observers: [@Sendable ([QueueEvent]) -> Void] = []

    func add(_ observer: @escaping @Sendable ([QueueEvent]) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    func notify(_ events: [QueueEvent]) {
        guard !events.isEmpty else { return }
        for observer in lock.withLock({ observers }) { observer(events) }
    }
}

/// The newest event this process committed, for readers that must see their own writes.
final class NewestSeq: @unchecked Sendable {
    private let lock = NSLock()
    private var newest: Int64 = 0

    var value: Int64 { lock.withLock { newest } }

    func raise(to seq: Int64) {
        lock.withLock { newest = max(newest, seq) }
    }
}

/// Codes for the citizen's phone page: 10 characters from an alphabet without look-alikes (0/o, 1/l/i),
/// about 2^49 possibilities, so a code cannot be guessed from another ticket's.
enum PublicCode {
    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
