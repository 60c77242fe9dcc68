import Foundation
import Hummingbird
import PanggilCore

/// Notices and emergency messages: `POST /api/broadcasts`, `DELETE /api/broadcasts/{id}`, and the
/// active ones at `GET /api/broadcasts`.
struct BroadcastAPI: Sendable {
    let store: any QueueStore
    let board: LiveBoard
    let time: Timestamps

    init(store: any QueueStore, board: LiveBoard) {
        self.store = store
        self.board = board
        time = Timestamps(timeZone: store.site.timeZone)
    }

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/broadcasts") { _, _ in
            try JSONResponse(await board.settled().broadcasts.map { BroadcastJSON($0, time: time) })
        }
        router.post("api/broadcasts") { request, context in
            try authorize(context, .broadcast, site: store.site)
            let body = try await decode(BroadcastRequest.self, request, context)
            guard let kind = BroadcastKind(rawValue: body.kind) else {
                throw APIError.badRequest("invalid_kind", "Jenis siaran '\(body.kind)' tidak dikenal (pilih: notice, emergency).")
            }
            let broadcast = try await store.startBroadcast(kind: kind, text: body.text, zones: body.zones ?? [], by: context.actor)
            return try JSONResponse(BroadcastJSON(broadcast, time: time), status: .created)
        }
        router.delete("api/broadcasts/{id}") { _, context in
            try authorize(context, .broadcast, site: store.site)
            let text = try context.parameters.require("id")
            guard let id = Int64(text), id > 0 else {
                throw APIError.badRequest("invalid_broadcast", "Nomor siaran '\(text)' tidak valid.")
            }
            return try JSONResponse(BroadcastJSON(try await store.endBroadcast(id, by: context.actor), time: time))
        }
    }
}

struct BroadcastRequest: Decodable {
    var kind: String
    var text: String
    var zones: [String]?
}
