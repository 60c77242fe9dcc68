import Foundation
import Hummingbird
import PanggilCore
import PanggilQR

/// What the staff console, the kiosk and the admin page read besides the queue API: the site's
/// structure, one counter's own view with its waiting list, and a ticket's QR code.
struct ConsoleAPI: Sendable {
    let store: any QueueStore
    let board: LiveBoard
    let site: Site
    let time: Timestamps

    init(store: any QueueStore, board: LiveBoard) {
        self.store = store
        self.board = board
        site = store.site
        time = Timestamps(timeZone: store.site.timeZone)
    }

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/site") { _, _ in
            try JSONResponse(SiteJSON(site))
        }
        router.get("api/counters/{counter}/queue") { _, context in
            let text = try context.parameters.require("counter")
            guard let number = Int(text), let counter = site.counter(number) else {
                throw APIError(.notFound, "unknown_counter", "Loket '\(text)' tidak ada di situs ini.")
            }
            try authorize(context, .counter(number), site: site)
            return try JSONResponse(CounterQueueJSON(counter, board: await board.settled(), site: site, time: time))
        }
        router.get("t/{code}/qr.svg") { request, context in
            let code = try context.parameters.require("code")
            let ticket = try await lookUpTicket(publicCode: code, in: store)
            let scheme = request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" ? "https" : "http"
            let host = request.head.authority ?? "localhost"
            guard let qr = QRCode("\(scheme)://\(host)/t/\(ticket.publicCode)") else {
                throw APIError(.internalServerError, "qr_failed", "Kode QR tidak bisa dibuat.")
            }
            return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: qr.svg)))
        }
    }
}

/// The site as the kiosk, console and admin page need it: names and structure, nothing personal.
struct SiteJSON: Codable, Equatable {
    struct ZoneLine: Codable, Equatable { var id: String; var name: String }
    struct AgencyLine: Codable, Equatable { var id: String; var name: String }
    struct ServiceLine: Codable, Equatable { var code: String; var name: String; var agency: String }
    struct CounterLine: Codable, Equatable { var id: Int; var number: Int; var name: String; var zone: String; var services: [String] }

    struct BreakLine: Codable, Equatable { var name: String; var days: [String]; var start: String; var end: String; var services: [String] }
    struct HolidayLine: Codable, Equatable { var date: String; var name: String }
    /// What a speaker display needs to sound an emergency as the hall's loudspeakers do.
    struct EmergencyLine: Codable, Equatable { var repeatSeconds: Int; var heldCalls: String; var heldCallMaxAgeSeconds: Int }

    var name: String
    var timezone: String
    var zones: [ZoneLine]
    var agencies: [AgencyLine]
    var services: [ServiceLine]
    var counters: [CounterLine]
    var breaks: [BreakLine]
    var holidays: [HolidayLine]
    var emergency: EmergencyLine

    init(_ site: Site) {
        name = site.name
        timezone = site.timeZone.identifier
        zones = site.zones.map { ZoneLine(id: $0.id, name: $0.name) }
        agencies = site.agencies.map { AgencyLine(id: $0.id, name: $0.name) }
        services = site.services.map { ServiceLine(code: $0.code, name: $0.name, agency: $0.agency) }
        counters = site.counters.map { CounterLine(id: $0.number, number: $0.number, name: $0.name, zone: $0.zone, services: $0.services) }
        breaks = site.breaks.map { pause in
            BreakLine(name: pause.name, days: pause.days.sorted().map(\.indonesianName), start: pause.time.start.description,
                      end: pause.time.end.description, services: pause.services)
        }
        holidays = site.holidays.map { HolidayLine(date: $0.date.description, name: $0.name) }
        emergency = EmergencyLine(repeatSeconds: site.emergency.repeatSeconds, heldCalls: site.emergency.heldCalls.rawValue,
                                  heldCallMaxAgeSeconds: site.emergency.heldCallMaxAgeSeconds)
    }
}

/// One counter as its staff see it: state, the ticket it holds, and the tickets waiting in its
/// services, priority ones first under `priority_first`, each with when it joined the queue.
struct CounterQueueJSON: Codable, Equatable {
    struct Waiting: Codable, Equatable {
        var id: Int64
        var number: String
        var service: ServiceJSON
        var priority: Bool
        var queuedAt: String
    }

    var counter: CounterJSON?
    var state: String
    var ticket: TicketRefJSON?
    var ticketState: String?
    var since: String?
    var waiting: [Waiting]

    init(_ counter: Counter, board: Board, site: Site, time: Timestamps) {
        let view = board.counters[counter.number] ?? Board.CounterView(number: counter.number)
        self.counter = CounterJSON(counter.number, site: site)
        state = view.state.rawValue
        ticket = view.ticket.map { TicketRefJSON($0, site: site) }
        ticketState = view.ticketState?.rawValue
        since = view.since.map(time.callAsFunction)
        let queued = counter.services.flatMap { board.queues[$0]?.waiting ?? [] }
        let priorityFirst = site.callPolicy == .priorityFirst
        waiting = queued.sorted { a, b in
            if priorityFirst, a.ticket.priority != b.ticket.priority { return a.ticket.priority }
            return (a.queuedAt, a.ticket.id) < (b.queuedAt, b.ticket.id)
        }.map { entry in
            Waiting(id: entry.ticket.id, number: entry.ticket.label,
                    service: TicketRefJSON(entry.ticket, site: site).service, priority: entry.ticket.priority,
                    queuedAt: time(entry.queuedAt))
        }
    }
}
