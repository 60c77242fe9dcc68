import Foundation
import Hummingbird
import PanggilCore
import PanggilVoice

/// The ticket, counter and board endpoints of the HTTP API.
struct QueueAPI: Sendable {
    let store: any QueueStore
    let board: LiveBoard
    let speakers: Speakers?
    let site: Site
    /// Made once: every answer formats times in the site's offset.
    let time: Timestamps

    init(store: any QueueStore, board: LiveBoard, speakers: Speakers? = nil) {
        self.store = store
        self.board = board
        self.speakers = speakers
        site = store.site
        time = Timestamps(timeZone: store.site.timeZone)
    }

    func register(on router: Router<PanggilRequestContext>) {
        router.get("healthz") { _, _ in
            // The store answers a read, or the whole server is unhealthy: nothing can be called or shown.
            var store = StoreHealthJSON(state: "ok")
            do {
                _ = try await self.store.logBounds()
            } catch {
                store = StoreHealthJSON(state: "failing", reason: "\(error)")
            }
            let health = HealthJSON(status: store.state == "ok" ? "ok" : "failing", seq: await board.settled().seq,
                                    store: store, streams: board.statistics, audio: await AudioHealthJSON(speakers))
            return try JSONResponse(health, status: store.state == "ok" ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            let text = await board.metrics.scrape(board: await board.settled(), site: site, streams: board.statistics,
                                                  speakers: speakers, now: self.store.clock.now())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("api/board") { _, _ in
            try JSONResponse(BoardJSON(await board.settled(), site: site, time: time))
        }

        router.post("api/tickets") { request, context in
            try authorize(context, .issueTicket, site: site)
            let body = try await decode(IssueRequest.self, request, context)
            let ticket = try await store.issue(service: body.service, priority: body.priority ?? false, by: context.actor)
            return try JSONResponse(TicketJSON(ticket, site: site, time: time, withCode: true), status: .created)
        }
        router.get("api/tickets/{ticket}") { _, context in
            try JSONResponse(try await status(publicCode: context.parameters.require("ticket")))
        }

        let tickets = router.group("api/tickets/{ticket}")
        let steps: [(String, @Sendable (any QueueStore, TicketSelector, EventActor) async throws -> Ticket)] = [
            ("recall", { try await $0.recall($1, by: $2) }),
            ("start", { try await $0.start($1, by: $2) }),
            ("complete", { try await $0.complete($1, by: $2) }),
            ("no-show", { try await $0.noShow($1, by: $2) }),
            ("requeue", { try await $0.requeue($1, by: $2) }),
            ("cancel", { try await $0.cancel($1, by: $2) }),
        ]
        for (path, step) in steps {
            tickets.post(RouterPath(path)) { _, context in
                let selector = try await authorizedTicket(context)
                let ticket = try await step(store, selector, context.actor)
                return try JSONResponse(TicketJSON(ticket, site: site, time: time))
            }
        }
        tickets.post("transfer") { request, context in
            let selector = try await authorizedTicket(context)
            let body = try await decode(TransferRequest.self, request, context)
            let ticket = try await store.transfer(selector, to: body.service, by: context.actor)
            return try JSONResponse(TicketJSON(ticket, site: site, time: time))
        }

        let counters = router.group("api/counters/{counter}")
        counters.post("call-next") { _, context in
            let number = try counterNumber(context)
            try authorize(context, .counter(number), site: site)
            let ticket = try await store.callNext(counter: number, by: context.actor)
            return try JSONResponse(TicketJSON(ticket, site: site, time: time))
        }
        counters.post("call") { request, context in
            let number = try counterNumber(context)
            try authorize(context, .counter(number), site: site)
            let body = try await decode(CallRequest.self, request, context)
            guard let selector = TicketSelector(parsing: body.ticket) else {
                throw APIError.badRequest("invalid_ticket", "Nomor tiket '\(body.ticket)' tidak valid (contoh: A-012).")
            }
            let ticket = try await store.call(selector, counter: number, by: context.actor)
            return try JSONResponse(TicketJSON(ticket, site: site, time: time))
        }
        for (path, state) in [("open", CounterState.open), ("pause", .paused), ("close", .closed)] {
            counters.post(RouterPath(path)) { _, context in
                let number = try counterNumber(context)
                try authorize(context, .counter(number), site: site)
                let record = try await store.setCounter(number, to: state, by: context.actor)
                return try JSONResponse(CounterStateJSON(counter: CounterJSON(number, site: site), state: record.state.rawValue))
            }
        }
    }

    private func status(publicCode code: String) async throws -> TicketStatusJSON {
        let ticket = try await lookUpTicket(publicCode: code, in: store)
        return TicketStatusJSON(ticket.ref, state: ticket.state, counter: ticket.counter, board: await board.settled(), site: site)
    }

    /// The ticket a lifecycle step names, once the caller may act on it: at its counter, or (without
    /// one) at a counter serving its service. An unknown ticket is 404 for whoever may act at all.
    private func authorizedTicket(_ context: PanggilRequestContext) async throws -> TicketSelector {
        let selector = try ticketSelector(context)
        _ = try signedIn(context)  // before the lookup: anonymous callers learn nothing about tickets
        let ticket = try await store.ticket(selector)
        try authorize(context, .ticket(counter: ticket.counter, service: ticket.service), site: site)
        return selector
    }

    private func ticketSelector(_ context: PanggilRequestContext) throws -> TicketSelector {
        let text = try context.parameters.require("ticket")
        guard let selector = TicketSelector(parsing: text) else {
            throw APIError.badRequest("invalid_ticket", "Tiket '\(text)' tidak valid: pakai id (12) atau nomor (A-012).")
        }
        return selector
    }

    private func counterNumber(_ context: PanggilRequestContext) throws -> Int {
        let text = try context.parameters.require("counter")
        guard let number = Int(text), number > 0 else {
            throw APIError.badRequest("invalid_counter", "Nomor loket '\(text)' tidak valid.")
        }
        return number
    }
}

/// The ticket behind a public code, or the 404 a citizen with a mistyped code should see.
func lookUpTicket(publicCode code: String, in store: any QueueStore) async throws -> Ticket {
    // Codes are short and plain; refusing anything else early keeps junk away from the store.
    guard code.count <= 32, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
          let ticket = try await store.ticket(publicCode: code) else {
        throw APIError(.notFound, "ticket_not_found", "Tiket tidak ditemukan. Periksa kode pada tiket Anda.")
    }
    return ticket
}

struct IssueRequest: Decodable {
    var service: String
    var priority: Bool?
}

struct CallRequest: Decodable {
    var ticket: String
}

struct TransferRequest: Decodable {
    var service: String
}

struct HealthJSON: Encodable {
    var status: String
    var seq: Int64
    var store: StoreHealthJSON
    var streams: StreamStatistics
    var audio: AudioHealthJSON
}

struct StoreHealthJSON: Encodable {
    var state: String
    var reason: String?
}

/// `connected`, `connecting` (with the last problem), or `off` (started without loudspeakers), and the
/// announcements waiting per sink.
struct AudioHealthJSON: Encodable {
    var state: String
    var reason: String?
    var waiting: [String: Int]
    /// Sinks an emergency holds now: calls there wait until it ends.
    var emergency: [String]

    init(_ speakers: Speakers?) async {
        guard let speakers else {
            (state, reason, waiting, emergency) = ("off", nil, [:], [])
            return
        }
        switch speakers.output.status {
        case .connected: (state, reason) = ("connected", nil)
        case .connecting(let problem): (state, reason) = ("connecting", problem)
        }
        waiting = await speakers.announcer.waiting
        emergency = await speakers.announcer.holding.sorted()
    }
}

struct CounterStateJSON: Codable {
    var counter: CounterJSON?
    var state: String
}

/// Reads a JSON body, answering 400 with a message that names the field for anything malformed.
func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: PanggilRequestContext) async throws -> T {
    let buffer = try await request.body.collect(upTo: context.maxUploadSize)
    do {
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    } catch DecodingError.keyNotFound(let key, _) {
        throw APIError.badRequest("missing_field", "Kolom '\(key.stringValue)' wajib diisi.")
    } catch DecodingError.typeMismatch(_, let where_), DecodingError.valueNotFound(_, let where_) {
        let field = where_.codingPath.map(\.stringValue).joined(separator: ".")
        throw APIError.badRequest("invalid_field", "Kolom '\(field)' berjenis salah.")
    } catch {
        throw APIError.badRequest("invalid_json", "Isi permintaan bukan JSON yang valid.")
    }
}

/// A JSON body with a status, encoded with the API's encoder.
struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    var body: Body
    var status: HTTPResponse.Status = .ok

    init(_ body: Body, status: HTTPResponse.Status = .ok) throws {
        self.body = body
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONEncoder.api.encode(body, from: request, context: context)
        response.status = status
        return response
    }
}
