import Foundation
import PanggilCore

/// Turns events and boards into stream events for one site.
struct StreamEncoder: Sendable {
    let site: Site
    let time: Timestamps

    init(site: Site) {
        self.site = site
        time = Timestamps(timeZone: site.timeZone)
    }

    /// An event as of `board`, the board with the event folded in (queue lines come from it).
    func event(_ event: QueueEvent, board: Board) -> String {
        SSEFormat.event(id: String(event.seq), type: event.type.rawValue,
                        data: EventJSON(event, board: board, site: site, time: time).text)
    }

    /// The board within a stream's scope, as the event with the board's sequence number.
    func snapshot(_ board: Board, filter: StreamFilter, now: Date) -> String {
        let json = SnapshotJSON(at: time(now), board: BoardJSON(board, site: site, time: time).restricted(to: filter))
        return SSEFormat.event(id: String(board.seq), type: "snapshot", data: Self.json(json))
    }

    /// One ticket's status for its phone, labelled with the event that changed it (or `snapshot`, which
    /// also lists the broadcasts reaching the ticket's zones); a broadcast's start or end carries it.
    func phone(_ ticket: TicketRef, state: TicketState, counter: Int?, board: Board, seq: Int64, type: String, at: Date,
               broadcast event: QueueEvent? = nil) -> String {
        let status = TicketStatusJSON(ticket, state: state, counter: counter, board: board, site: site)
        var json = PhoneJSON(seq: seq, at: time(at), type: type, status: status)
        if type == "snapshot" {
            let zones = Set(site.zones(serving: [ticket.service]))
            json.broadcasts = board.broadcasts.filter { $0.reaches(zones: zones) }.map { BroadcastJSON($0, time: time, status: "active") }
        }
        if let event { json.broadcast = BroadcastJSON(of: event, time: time) }
        return SSEFormat.event(id: String(seq), type: type, data: Self.json(json))
    }

    static func json(_ value: some Encodable) -> String {
        // Encoding our own value types cannot fail; an empty object keeps the stream well-formed if it did.
        (try? String(decoding: JSONEncoder.api.encode(value), as: UTF8.self)) ?? "{}"
    }
}
