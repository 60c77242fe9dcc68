import Foundation
import Hummingbird
import PanggilCore

/// Notices and emergency messages: `POST /api/broadcasts`, `DELETE /api/broadcasts/{id}`, the active
/// and posted-ahead ones at `GET /api/broadcasts`, and the ready-made texts at
/// `GET /api/broadcasts/templates`.
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
            let active = await board.settled().broadcasts.map { BroadcastJSON($0, time: time) }
            let later = try await store.scheduledBroadcasts().map { BroadcastJSON($0, time: time, status: "scheduled") }
            return try JSONResponse(active + later)
        }
        router.get("api/broadcasts/templates") { _, _ in
            try JSONResponse(store.site.emergency.templates.map(TemplateJSON.init))
        }
        router.post("api/broadcasts") { request, context in
            try authorize(context, .broadcast, site: store.site)
            let body = try await decode(BroadcastRequest.self, request, context)
            let broadcast = try await store.startBroadcast(try draft(body), by: context.actor)
            let status = broadcast.startedAt > store.clock.now() ? "scheduled" : "active"
            return try JSONResponse(BroadcastJSON(broadcast, time: time, status: status), status: .created)
        }
        router.delete("api/broadcasts/{id}") { _, context in
            try authorize(context, .broadcast, site: store.site)
            let text = try context.parameters.require("id")
            guard let id = Int64(text), id > 0 else {
                throw APIError.badRequest("invalid_broadcast", "Nomor siaran '\(text)' tidak valid.")
            }
            return try JSONResponse(BroadcastJSON(try await store.endBroadcast(id, by: context.actor), time: time, status: "ended"))
        }
    }

    /// The request in the domain's terms: a template filled in (any field given overrides it), or the
    /// texts as given.
    private func draft(_ body: BroadcastRequest) throws -> BroadcastDraft {
        let kind = try body.kind.map { name in
            guard let kind = BroadcastKind(rawValue: name) else {
                throw APIError.badRequest("invalid_kind", "Jenis siaran '\(name)' tidak dikenal (pilih: notice, emergency).")
            }
            return kind
        }
        var draft: BroadcastDraft
        if let id = body.template {
            guard let template = store.site.emergency.template(id) else {
                throw APIError.badRequest("unknown_template", "Templat '\(id)' tidak ada (lihat GET /api/broadcasts/templates).")
            }
            draft = try template.draft(body.params ?? [:], zones: body.zones ?? [], kind: kind, text: body.text, english: body.textEn)
        } else {
            guard let kind else { throw APIError.badRequest("missing_field", "Kolom 'kind' wajib diisi (notice atau emergency).") }
            guard let text = body.text else { throw APIError.badRequest("missing_field", "Kolom 'text' wajib diisi, atau pilih 'template'.") }
            draft = BroadcastDraft(kind: kind, text: text, english: body.textEn, zones: body.zones ?? [])
        }
        draft.startsAt = try body.startsAt.map { try Self.instant($0, field: "startsAt") }
        draft.until = try body.until.map { try Self.instant($0, field: "until") }
        draft.spoken = body.spoken ?? false
        return draft
    }

    private static func instant(_ text: String, field: String) throws -> Date {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? Date(text, strategy: Date.ISO8601FormatStyle())) ?? (try? Date(text, strategy: withFraction)) else {
            throw APIError.badRequest("invalid_field", "Kolom '\(field)' harus waktu ISO 8601 dengan zona, contoh 2026-11-29T13:00:00+07:00.")
        }
        return date
    }
}

struct BroadcastRequest: Decodable {
    var kind: String?
    var text: String?
    var textEn: String?
    var zones: [String]?
    var template: String?
    var params: [String: String]?
    var startsAt: String?
    var until: String?
    var spoken: Bool?
}

/// A ready-made message for the admin page: `{id, title, kind, text, textEn, blanks}`.
struct TemplateJSON: Codable, Equatable {
    var id: String
    var title: String
    var kind: String
    var text: String
    var textEn: String?
    var blanks: [String]

    init(_ template: BroadcastTemplate) {
        id = template.id
        title = template.title
        kind = template.kind.rawValue
        text = template.text
        textEn = template.english
        blanks = template.blanks
    }
}
