import Foundation
import PanggilCore

/// The `data` of a live event on the stream: `seq`, `at`, `type`, and where they apply the ticket
/// `{id, number, service {code, name}, priority}`, the counter `{id, number, name, zone}`, the state the
/// ticket or counter is in after the event, for transfers the service the ticket left, and for
/// announcements which call (`id`, the call's event id), where, and how it ended.
struct EventJSON: Encodable {
    var seq: Int64
    var at: String
    var type: String
    var ticket: TicketRefJSON?
    var ticketState: String?
    var counter: CounterJSON?
    var counterState: String?
    var fromService: ServiceJSON?
    var announcement: AnnouncementJSON?
    /// The queue lines of the services the event changed, recomputed: displays replace theirs with
    /// these rather than re-deriving waiting counts and estimates.
    var queues: [BoardJSON.ServiceLine]?
    var broadcast: BroadcastJSON?

    struct AnnouncementJSON: Encodable {
        var id: Int64
        var zone: String
        var outcome: String?
        var reason: String?
    }

    init(_ event: QueueEvent, board: Board, site: Site, time: Timestamps) {
        seq = event.seq
        at = time(event.at)
        type = event.type.rawValue
        ticket = event.ticket.map { TicketRefJSON($0, site: site) }
        ticketState = event.type.ticketStateAfter?.rawValue
        counter = CounterJSON(event.counter, site: site)
        counterState = event.counterState?.rawValue
        fromService = event.fromService.map { ServiceJSON(code: $0, name: site.service($0)?.name ?? $0) }
        announcement = event.announcement.map {
            AnnouncementJSON(id: $0.id, zone: $0.zone, outcome: $0.outcome?.rawValue, reason: $0.reason)
        }
        broadcast = BroadcastJSON(of: event, time: time)
        let changed = event.changedServices(site: site)
        if !changed.isEmpty {
            queues = site.services.filter { changed.contains($0.code) }.map { BoardJSON.ServiceLine($0, board: board, site: site) }
        }
    }
}

extension BroadcastJSON {
    /// A broadcast event's broadcast: ended or active and, on its start, the event that started it.
    init?(of event: QueueEvent, time: Timestamps) {
        guard let broadcast = event.broadcast else { return nil }
        self.init(broadcast, time: time, status: event.type == .broadcastEnded ? "ended" : "active")
        if event.type == .broadcastStarted { startedEvent = event.seq }
    }
}

/// The first event of a stream: the board (restricted to the stream's scope) as of event `seq`.
struct SnapshotJSON: Encodable {
    var at: String
    var board: BoardJSON

    func encode(to encoder: Encoder) throws {
        // Flattened: the board's fields, plus the moment it was taken.
        try board.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(at, forKey: .at)
    }

    enum Key: String, CodingKey { case at }
}

/// What a phone following one ticket receives: that ticket and its place in the queue, nothing about
/// any other ticket but the number now being served.
struct PhoneJSON: Encodable {
    var seq: Int64
    var at: String
    var type: String
    var status: TicketStatusJSON
    /// On a snapshot: the broadcasts now active that reach the ticket's zones.
    var broadcasts: [BroadcastJSON]?
    /// On `broadcast.started` and `broadcast.ended`: the broadcast.
    var broadcast: BroadcastJSON?

    func encode(to encoder: Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(at, forKey: .at)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(broadcasts, forKey: .broadcasts)
        try container.encodeIfPresent(broadcast, forKey: .broadcast)
    }

    enum Key: String, CodingKey { case seq, at, type, broadcasts, broadcast }
}

extension QueueEvent {
    /// The services whose queue line (waiting, estimate, number called last) this event can change.
    func changedServices(site: Site) -> Set<String> {
        if type.isAnnouncement || type.isBroadcast { return [] }
        if type == .counterChanged {
            // Opening or closing a counter changes the estimates of the services it calls from.
            return Set(counter.flatMap(site.counter)?.services ?? [])
        }
        var codes: Set<String> = []
        if let ticket { codes.insert(ticket.service) }
        if let fromService { codes.insert(fromService) }
        return codes
    }
}

extension EventType {
    /// The state a ticket is in after an event of this type.
    var ticketStateAfter: TicketState? {
        switch self {
        case .ticketIssued, .ticketRequeued, .ticketTransferred: .waiting
        case .ticketCalled, .ticketRecalled: .called
        case .ticketStarted: .serving
        case .ticketCompleted: .done
        case .ticketNoShow: .noShow
        case .ticketCancelled: .cancelled
        case .counterChanged, .announcementStarted, .announcementFinished, .broadcastStarted, .broadcastEnded: nil
        }
    }
}

extension BoardJSON {
    /// Only the counters, services and calls within a stream's scope.
    func restricted(to filter: StreamFilter) -> BoardJSON {
        var board = self
        board.counters = counters.filter { filter.includes(counter: $0.number) }
        board.services = services.filter { filter.includes(service: $0.code) }
        board.recentCalls = recentCalls.filter { call in
            (call.counter.map { filter.includes(counter: $0.number) } ?? false) && filter.includes(service: call.ticket.service.code)
        }
        board.broadcasts = broadcasts.filter { Broadcast.zones($0.zones, reach: filter.zones) }
        return board
    }
}

// MARK: - Written by hand (see `JSONText`); keys in sorted order, as `JSONEncoder.api` writes them.

extension EventJSON {
    var text: String {
        var json = JSONText()
        json.object { json in
            if let announcement {
                json.member("announcement") { json in
                    json.object { json in
                        json.member("id", announcement.id)
                        json.member("outcome", announcement.outcome)
                        json.member("reason", announcement.reason)
                        json.member("zone", announcement.zone)
                    }
                }
            }
            json.member("at", at)
            if let broadcast { json.member("broadcast") { broadcast.write(to: &$0) } }
            if let counter { json.member("counter") { counter.write(to: &$0) } }
            json.member("counterState", counterState)
            if let fromService { json.member("fromService") { fromService.write(to: &$0) } }
            if let queues { json.member("queues") { $0.array(queues) { $1.write(to: &$0) } } }
            json.member("seq", seq)
            if let ticket { json.member("ticket") { ticket.write(to: &$0) } }
            json.member("ticketState", ticketState)
            json.member("type", type)
        }
        return json.string
    }
}

extension ServiceJSON {
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("code", code)
            json.member("name", name)
        }
    }
}

extension TicketRefJSON {
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("id", id)
            json.member("number", number)
            json.member("priority", priority)
            json.member("service") { service.write(to: &$0) }
        }
    }
}

extension CounterJSON {
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("id", id)
            json.member("name", name)
            json.member("number", number)
            json.member("zone", zone)
        }
    }
}

extension BoardJSON.ServiceLine {
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("agency", agency)
            json.member("code", code)
            json.member("estimatedWaitMinutes", estimatedWaitMinutes)
            json.member("name", name)
            if let nowServing { json.member("nowServing") { nowServing.write(to: &$0) } }
            json.member("priorityWaiting", priorityWaiting)
            json.member("waiting", waiting)
        }
    }
}

extension BroadcastJSON {
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("id", id)
            json.member("kind", kind)
            json.member("occasion", occasion)
            json.member("services", services)
            json.member("spoken", spoken)
            json.member("startedAt", startedAt)
            json.member("startedEvent", startedEvent)
            json.member("status", status)
            json.member("text", text)
            json.member("textEn", textEn)
            json.member("until", until)
            json.member("zones", zones)
        }
    }
}
