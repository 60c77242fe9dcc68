import Foundation
import GRDB
import PanggilCore

// Conversions between the store's rows and the domain's values. Times are stored as integer
// milliseconds so that a value read back equals the value written.

extension Date {
    init(millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }

    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// This instant cut to whole milliseconds, as the store will keep it.
    var storable: Date { Date(millis: Int64((timeIntervalSince1970 * 1000).rounded(.down))) }
}

extension Ticket {
    static let columns = """
        id, public_code, prefix, number, day, service, priority, state, counter, issued_at, queued_at,
        called_at, started_at, finished_at, recalls, transfers
        """

    init(row: Row) throws {
        guard let day = LocalDate(iso: row["day"]), let state = TicketState(rawValue: row["state"]) else {
            throw StoreCorruption("ticket \(row["id"] ?? "?") has day '\(row["day"] ?? "")' or state '\(row["state"] ?? "")'")
        }
        self.init(
            id: row["id"], publicCode: row["public_code"], prefix: row["prefix"], number: row["number"], day: day,
            service: row["service"], priority: row["priority"], state: state, counter: row["counter"],
            issuedAt: Date(millis: row["issued_at"]), queuedAt: Date(millis: row["queued_at"]),
            calledAt: (row["called_at"] as Int64?).map(Date.init(millis:)),
            startedAt: (row["started_at"] as Int64?).map(Date.init(millis:)),
            finishedAt: (row["finished_at"] as Int64?).map(Date.init(millis:)),
            recalls: row["recalls"], transfers: row["transfers"])
    }

    func insert(_ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO tickets (public_code, prefix, number, day, service, priority, state, counter, issued_at,
                                 queued_at, called_at, started_at, finished_at, recalls, transfers)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [publicCode, prefix, number, day.description, service, priority, state.rawValue,
                             counter, issuedAt.millis, queuedAt.millis, calledAt?.millis, startedAt?.millis,
                             finishedAt?.millis, recalls, transfers])
        return db.lastInsertedRowID
    }

    func update(_ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE tickets SET service = ?, state = ?, counter = ?, queued_at = ?, called_at = ?, started_at = ?,
                               finished_at = ?, recalls = ?, transfers = ?
            WHERE id = ?
            """).execute(arguments: [service, state.rawValue, counter, queuedAt.millis, calledAt?.millis, startedAt?.millis,
                             finishedAt?.millis, recalls, transfers, id])
    }
}

extension CounterRecord {
    static func load(_ number: Int, _ db: Database) throws -> CounterRecord {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM counters WHERE number = ?"), arguments: [number]) else {
            // A counter that never changed state has no row yet: it is closed.
            return CounterRecord(number: number)
        }
        guard let state = CounterState(rawValue: row["state"]) else {
            throw StoreCorruption("counter \(number) has state '\(row["state"] ?? "")'")
        }
        return CounterRecord(number: number, state: state, ticketID: row["ticket_id"], regularStreak: row["regular_streak"])
    }

    func save(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO counters (number, state, ticket_id, regular_streak) VALUES (?, ?, ?, ?)
            ON CONFLICT (number) DO UPDATE SET state = excluded.state, ticket_id = excluded.ticket_id,
                                                regular_streak = excluded.regular_streak
            """).execute(arguments: [number, state.rawValue, ticketID, regularStreak])
    }
}

extension Broadcast {
    init(row: Row) throws {
        let id: Int64 = row["id"]
        let zonesText: String = row["zones"]
        let servicesText: String = row["services"]
        let occasionText: String? = row["occasion"]
        guard let kind = BroadcastKind(rawValue: row["kind"]),
              let zones = try? JSONDecoder().decode([String].self, from: Data(zonesText.utf8)),
              let services = try? JSONDecoder().decode([String].self, from: Data(servicesText.utf8)) else {
            throw StoreCorruption("broadcast \(id) has kind '\(row["kind"] ?? "")', zones '\(zonesText)' or services '\(servicesText)'")
        }
        let until: Int64? = row["until"]
        self.init(id: id, kind: kind, text: row["text"], english: row["text_en"], zones: zones,
                  startedAt: Date(millis: row["started_at"]), until: until.map(Date.init(millis:)), spoken: row["spoken"],
                  occasion: occasionText.flatMap(BroadcastOccasion.init), services: services, startedEvent: row["started_event"])
    }

    /// Logs its start and remembers where, so that a server restarted mid-emergency can name it.
    func logStart(_ db: Database, at now: Date, day: LocalDate, by actor: EventActor) throws -> QueueEvent {
        let event = try QueueEvent.append(db, type: .broadcastStarted, at: now, day: day, actor: actor, ticket: nil, broadcast: self)
        try db.execute(sql: "UPDATE broadcasts SET started_event = ?, scheduled = 0 WHERE id = ?", arguments: [event.seq, id])
        return event
    }

    func insert(_ db: Database, by actor: EventActor, scheduled: Bool) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO broadcasts (kind, text, text_en, zones, started_at, started_by, until, spoken, occasion, scheduled, services)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kind.rawValue, text, english, EventData.list(zones), startedAt.millis, actor.rawValue, until?.millis,
                             spoken, occasion?.rawValue, scheduled, EventData.list(services)])
        return db.lastInsertedRowID
    }
}

/// The `data` column of an event: what the `ticket_id` and `counter` columns do not say.
struct EventData: Codable {
    var prefix: String?
    var number: Int?
    var ticketDay: String?
    var service: String?
    var priority: Bool?
    var counterState: String?
    var fromService: String?
    var announcement: Int64?
    var zone: String?
    var outcome: String?
    var reason: String?
    var broadcast: Int64?
    var kind: String?
    var text: String?
    var zones: [String]?
    var startedAt: Int64?
    var textEn: String?
    var until: Int64?
    var spoken: Bool?
    var occasion: String?
    var services: [String]?

    enum CodingKeys: String, CodingKey {
        case prefix, number, service, priority, announcement, zone, outcome, reason, broadcast, kind, text, zones
        case until, spoken, occasion, services
        case startedAt = "started_at"
        case textEn = "text_en"
        case ticketDay = "ticket_day"
        case counterState = "counter_state"
        case fromService = "from_service"
    }
}

extension QueueEvent {
    static let columns = "seq, at, day, type, actor, ticket_id, counter, data"

    init(row: Row) throws {
        let seq: Int64 = row["seq"]
        guard let day = LocalDate(iso: row["day"]), let type = EventType(rawValue: row["type"]) else {
            throw StoreCorruption("event \(seq) has day '\(row["day"] ?? "")' or type '\(row["type"] ?? "")'")
        }
        let text: String = row["data"]
        let data: EventData
        do {
            data = try JSONDecoder().decode(EventData.self, from: Data(text.utf8))
        } catch {
            throw StoreCorruption("event \(seq) has unreadable data: \(text)")
        }
        var ticket: TicketRef?
        if let id: Int64 = row["ticket_id"] {
            guard let prefix = data.prefix, let number = data.number, let service = data.service,
                  let ticketDay = data.ticketDay.flatMap(LocalDate.init(iso:)) else {
                throw StoreCorruption("event \(seq) names ticket \(id) without prefix, number, service and ticket_day")
            }
            ticket = TicketRef(id: id, prefix: prefix, number: number, day: ticketDay, service: service,
                               priority: data.priority ?? false)
        }
        var announcement: AnnouncementRecord?
        if type.isAnnouncement {
            guard let id = data.announcement, let zone = data.zone else {
                throw StoreCorruption("event \(seq) is an announcement without its id and zone")
            }
            announcement = AnnouncementRecord(id: id, zone: zone, outcome: data.outcome.flatMap(AnnouncementOutcome.init),
                                              reason: data.reason)
        }
        var broadcast: Broadcast?
        if type.isBroadcast {
            guard let id = data.broadcast, let kind = data.kind.flatMap(BroadcastKind.init), let text = data.text,
                  let startedAt = data.startedAt else {
                throw StoreCorruption("event \(seq) is a broadcast without its id, kind, text and started_at")
            }
            broadcast = Broadcast(id: id, kind: kind, text: text, english: data.textEn, zones: data.zones ?? [],
                                  startedAt: Date(millis: startedAt), until: data.until.map(Date.init(millis:)),
                                  spoken: data.spoken ?? false, occasion: data.occasion.flatMap(BroadcastOccasion.init),
                                  services: data.services ?? [])
        }
        self.init(seq: seq, at: Date(millis: row["at"]), day: day, type: type, actor: EventActor(row["actor"]),
                  ticket: ticket, counter: row["counter"], counterState: data.counterState.flatMap(CounterState.init),
                  fromService: data.fromService, announcement: announcement, broadcast: broadcast)
    }

    /// Appends the event, returning it with its sequence number.
    static func append(
        _ db: Database, type: EventType, at: Date, day: LocalDate, actor: EventActor, ticket: Ticket? = nil,
        counter: Int? = nil, counterState: CounterState? = nil, fromService: String? = nil
    ) throws -> QueueEvent {
        try append(db, type: type, at: at, day: day, actor: actor, ticket: ticket?.ref, counter: counter,
                   counterState: counterState, fromService: fromService)
    }

    static func append(
        _ db: Database, type: EventType, at: Date, day: LocalDate, actor: EventActor, ticket: TicketRef?,
        counter: Int? = nil, counterState: CounterState? = nil, fromService: String? = nil,
        announcement: AnnouncementRecord? = nil, broadcast: Broadcast? = nil
    ) throws -> QueueEvent {
        let data = EventData(prefix: ticket?.prefix, number: ticket?.number, ticketDay: ticket?.day.description,
                             service: ticket?.service, priority: ticket?.priority, counterState: counterState?.rawValue,
                             fromService: fromService, announcement: announcement?.id, zone: announcement?.zone,
                             outcome: announcement?.outcome?.rawValue, reason: announcement?.reason,
                             broadcast: broadcast?.id, kind: broadcast?.kind.rawValue, text: broadcast?.text,
                             zones: broadcast?.zones, startedAt: broadcast?.startedAt.millis, textEn: broadcast?.english,
                             until: broadcast?.until?.millis, spoken: broadcast.map(\.spoken), occasion: broadcast?.occasion?.rawValue,
                             services: broadcast.flatMap { $0.services.isEmpty ? nil : $0.services })
        let json = data.json
        try db.cachedStatement(sql: """
            INSERT INTO events (at, day, type, actor, ticket_id, counter, data) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at.millis, day.description, type.rawValue, actor.rawValue, ticket?.id, counter, json])
        return QueueEvent(seq: db.lastInsertedRowID, at: at, day: day, type: type, actor: actor, ticket: ticket,
                          counter: counter, counterState: counterState, fromService: fromService,
                          announcement: announcement, broadcast: broadcast)
    }
}

extension EventData {
    /// Written by hand, keys sorted: `JSONEncoder` was a twentieth of every command's time. Decoding
    /// stays with `JSONDecoder`, which also reads what other programs write.
    var json: String {
        var fields: [String] = []
        func add(_ key: String, _ value: String?) {
            if let value { fields.append("\"\(key)\":\(value)") }
        }
        add("announcement", announcement.map(String.init))
        add("broadcast", broadcast.map(String.init))
        add("counter_state", counterState.map(Self.quoted))
        add("from_service", fromService.map(Self.quoted))
        add("kind", kind.map(Self.quoted))
        add("number", number.map(String.init))
        add("occasion", occasion.map(Self.quoted))
        add("outcome", outcome.map(Self.quoted))
        add("prefix", prefix.map(Self.quoted))
        add("priority", priority.map { $0 ? "true" : "false" })
        add("reason", reason.map(Self.quoted))
        add("service", service.map(Self.quoted))
        add("services", services.map(Self.list))
        add("spoken", spoken.map { $0 ? "true" : "false" })
        add("started_at", startedAt.map(String.init))
        add("text", text.map(Self.quoted))
        add("text_en", textEn.map(Self.quoted))
        add("ticket_day", ticketDay.map(Self.quoted))
        add("until", until.map(String.init))
        add("zone", zone.map(Self.quoted))
        add("zones", zones.map(Self.list))
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func list(_ texts: [String]) -> String {
        "[" + texts.map(quoted).joined(separator: ",") + "]"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A row that the schema's constraints allow but the domain cannot read: written by hand or by a
/// misbehaving integrator.
public struct StoreCorruption: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = "store: \(description)"
    }
}
