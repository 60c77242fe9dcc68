import Foundation
import PanggilCore

// The JSON shapes of the API and of the event stream's `data`. Field names are a contract with
// displays and integrators (see ../shared/SPEC.md): change them only by adding.

/// Formats instants as ISO 8601 with the site's UTC offset (`2026-11-29T14:05:00.000+07:00`).
struct Timestamps: Sendable {
    let style: Date.ISO8601FormatStyle

    init(timeZone: TimeZone) {
        style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, includingFractionalSeconds: true, timeZone: timeZone)
    }

    func callAsFunction(_ date: Date) -> String { date.formatted(style) }
}

struct ServiceJSON: Codable, Equatable {
    var code: String
    var name: String
}

/// A ticket as public screens see it: `{id, number, service {code, name}, priority}`.
struct TicketRefJSON: Codable, Equatable {
    var id: Int64
    var number: String
    var service: ServiceJSON
    var priority: Bool

    init(_ ref: TicketRef, site: Site) {
        id = ref.id
        number = ref.label
        service = ServiceJSON(code: ref.service, name: site.service(ref.service)?.name ?? ref.service)
        priority = ref.priority
    }
}

/// `{id, number, name, zone}`; the id is the counter's number.
struct CounterJSON: Codable, Equatable {
    var id: Int
    var number: Int
    var name: String
    var zone: String

    init?(_ number: Int?, site: Site) {
        guard let number, let counter = site.counter(number) else { return nil }
        id = counter.number
        self.number = counter.number
        name = counter.name
        zone = counter.zone
    }
}

/// A ticket as the staff who act on it and the kiosk that issued it see it. Only the answer to issuing
/// carries the public code (for the QR on the printed ticket).
struct TicketJSON: Codable, Equatable {
    var id: Int64
    var number: String
    var code: String?
    var day: String
    var service: ServiceJSON
    var priority: Bool
    var state: String
    var counter: CounterJSON?
    var issuedAt: String
    var queuedAt: String
    var calledAt: String?
    var startedAt: String?
    var finishedAt: String?
    var recalls: Int
    var transfers: Int

    init(_ ticket: Ticket, site: Site, time: Timestamps, withCode: Bool = false) {
        id = ticket.id
        number = ticket.label
        code = withCode ? ticket.publicCode : nil
        day = ticket.day.description
        service = TicketRefJSON(ticket.ref, site: site).service
        priority = ticket.priority
        state = ticket.state.rawValue
        counter = CounterJSON(ticket.counter, site: site)
        issuedAt = time(ticket.issuedAt)
        queuedAt = time(ticket.queuedAt)
        calledAt = ticket.calledAt.map(time.callAsFunction)
        startedAt = ticket.startedAt.map(time.callAsFunction)
        finishedAt = ticket.finishedAt.map(time.callAsFunction)
        recalls = ticket.recalls
        transfers = ticket.transfers
    }
}

/// What the phone page behind a ticket's QR code shows. No public code, nothing personal.
struct TicketStatusJSON: Codable, Equatable {
    var ticket: TicketRefJSON
    var state: String
    var counter: CounterJSON?
    /// Among the tickets of the same service, 1 = next.
    var position: Int?
    var peopleAhead: Int?
    var estimatedWaitMinutes: Int?
    /// Only the number called last in the ticket's service (as on the wall), not that ticket's details.
    var nowServing: String?
}

extension TicketStatusJSON {
    /// A ticket's place in its queue on the current board.
    init(_ ref: TicketRef, state: TicketState, counter: Int?, board: Board, site: Site) {
        // A ticket of a service since removed from the site file still shows; it just has no estimate.
        let service = site.service(ref.service)
        let ahead = state == .waiting ? board.peopleAhead(of: ref.id, policy: site.callPolicy) : nil
        let wait = ahead.flatMap { ahead in service.map { board.estimatedWaitSeconds(ahead: ahead, service: $0, site: site) } }
        self.init(
            ticket: TicketRefJSON(ref, site: site), state: state.rawValue, counter: CounterJSON(counter, site: site),
            position: ahead.map { $0 + 1 }, peopleAhead: ahead, estimatedWaitMinutes: wait.map(minutes),
            nowServing: board.queues[ref.service]?.lastCalled?.label)
    }
}

struct BoardJSON: Codable, Equatable {
    struct Site: Codable, Equatable {
        var name: String
        var timezone: String
    }

    struct CounterLine: Codable, Equatable {
        var id: Int
        var number: Int
        var name: String
        var zone: String
        var state: String
        var services: [String]
        var ticket: TicketRefJSON?
        var ticketState: String?
        var since: String?
    }

    struct ServiceLine: Codable, Equatable {
        var code: String
        var name: String
        var agency: String
        var waiting: Int
        var priorityWaiting: Int
        var estimatedWaitMinutes: Int
        var nowServing: TicketRefJSON?
    }

    struct Call: Codable, Equatable {
        var ticket: TicketRefJSON
        var counter: CounterJSON?
        var at: String
        var recall: Bool
    }

    var site: Site
    var day: String
    var seq: Int64
    var counters: [CounterLine]
    var services: [ServiceLine]
    var recentCalls: [Call]
    var broadcasts: [BroadcastJSON]

    init(_ board: Board, site: PanggilCore.Site, time: Timestamps) {
        self.site = Site(name: site.name, timezone: site.timeZone.identifier)
        day = board.day.description
        seq = board.seq
        counters = site.counters.map { counter in
            let view = board.counters[counter.number] ?? Board.CounterView(number: counter.number)
            return CounterLine(
                id: counter.number, number: counter.number, name: counter.name, zone: counter.zone,
                state: view.state.rawValue, services: counter.services,
                ticket: view.ticket.map { TicketRefJSON($0, site: site) }, ticketState: view.ticketState?.rawValue,
                since: view.since.map(time.callAsFunction))
        }
        services = site.services.map { ServiceLine($0, board: board, site: site) }
        recentCalls = board.recentCalls.map { call in
            Call(ticket: TicketRefJSON(call.ticket, site: site), counter: CounterJSON(call.counter, site: site),
                 at: time(call.at), recall: call.isRecall)
        }
        broadcasts = board.broadcasts.map { BroadcastJSON($0, time: time) }
    }
}

extension BoardJSON.ServiceLine {
    /// A service's queue line: waiting counts, the estimate and the number called last.
    init(_ service: Service, board: Board, site: Site) {
        let queue = board.queues[service.code] ?? Board.ServiceQueue(service: service.code)
        self.init(
            code: service.code, name: service.name, agency: service.agency, waiting: queue.waiting.count,
            priorityWaiting: queue.priorityWaiting,
            estimatedWaitMinutes: minutes(board.estimatedWaitSeconds(ahead: queue.waiting.count, service: service, site: site)),
            nowServing: queue.lastCalled.map { TicketRefJSON($0, site: site) })
    }
}

/// A notice or emergency: `{id, kind, text, textEn, zones, startedAt, until, spoken, occasion, status,
/// startedEvent}`;
/// `zones` empty means every zone; `status` is `active`, `scheduled` (posted for later) or `ended`.
struct BroadcastJSON: Codable, Equatable {
    var id: Int64
    var kind: String
    var text: String
    var textEn: String?
    var zones: [String]
    var startedAt: String
    var until: String?
    var spoken: Bool
    var occasion: String?
    /// For a break: the services it stops; empty: every service.
    var services: [String]
    var status: String
    /// The id of its `broadcast.started` event: a spoken one's audio is `/api/announcements/{id}.wav`.
    var startedEvent: Int64?

    init(_ broadcast: Broadcast, time: Timestamps, status: String = "active") {
        id = broadcast.id
        kind = broadcast.kind.rawValue
        text = broadcast.text
        textEn = broadcast.english
        zones = broadcast.zones
        startedAt = time(broadcast.startedAt)
        until = broadcast.until.map(time.callAsFunction)
        spoken = broadcast.spoken
        occasion = broadcast.occasion?.rawValue
        services = broadcast.services
        self.status = status
        startedEvent = broadcast.startedEvent
    }
}

/// Whole minutes, rounded up: "about 0 minutes" helps nobody who still has someone ahead.
func minutes(_ seconds: Int) -> Int {
    (seconds + 59) / 60
}
