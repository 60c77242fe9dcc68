import Foundation
import Hummingbird
import PanggilCore
import PanggilVoice

/// `GET /api/announcements/preview?ticket=A-012&counter=3[&recall=true]`: the words, clips and length of
/// a call, without playing it. `GET /api/announcements/{id}.wav`: the audio of a logged call or recall,
/// or of a broadcast that is spoken (an emergency, a spoken notice), `id` being the sequence number of
/// its event (what a display saw as the event's `id:`).
struct AnnouncementAPI: Sendable {
    let store: any QueueStore
    let voice: CallVoice

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/announcements/preview") { request, _ in
            let query = request.uri.queryParameters
            guard let text = query["ticket"].map(String.init), let label = TicketLabel(parsing: text) else {
                throw APIError.badRequest("invalid_ticket", "Parameter 'ticket' wajib berupa nomor tiket, mis. A-012.")
            }
            guard let text = query["counter"].map(String.init), let number = Int(text) else {
                throw APIError.badRequest("invalid_counter", "Parameter 'counter' wajib berupa nomor loket, mis. 3.")
            }
            guard let counter = store.site.counter(number) else { throw APIError(QueueError.unknownCounter(number)) }
            guard store.site.service(label.prefix) != nil else { throw APIError(QueueError.unknownService(label.prefix)) }
            let recall = query["recall"].map { $0 == "true" || $0 == "1" } ?? false
            return try JSONResponse(try preview(label, service: nil, counter: counter, recall: recall))
        }
        router.get("api/announcements/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".wav"), let id = Int64(file.dropLast(4)) else {
                throw APIError(.notFound, "announcement_not_found", "Pengumuman '\(file)' tidak ada (contoh: /api/announcements/1000000042.wav).")
            }
            let pcm = try await render(logged: id)
            var headers = HTTPFields()
            headers[.contentType] = "audio/wav"
            // The log never changes, so neither does a call's audio (until the voice pack does).
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: WAVFile.data(pcm))))
        }
    }

    private func preview(_ label: TicketLabel, service: String?, counter: Counter, recall: Bool) throws -> PreviewJSON {
        let sayings = voice.announcements(ticket: label, service: service, counter: counter, recall: recall)
        let rendered = try voice.render(ticket: label, service: service, counter: counter, recall: recall)
        return PreviewJSON(text: sayings.map(\.text).joined(separator: " "), languages: sayings.map(\.language),
                           clips: rendered.parts.map(\.clip), durationMs: rendered.durationMs)
    }

    /// The call, recall or spoken broadcast logged as event `id`, rendered as the loudspeakers say it.
    private func render(logged id: Int64) async throws -> PCM {
        guard id > 0, let event = try await store.events(after: id - 1, limit: 1).first, event.seq == id else {
            throw APIError(.notFound, "announcement_not_found", "Tidak ada pengumuman dengan nomor \(id).")
        }
        if event.type == .broadcastStarted, let broadcast = event.broadcast, broadcast.spoken {
            do {
                return try await voice.render(broadcast: broadcast)
            } catch {
                throw APIError(.serviceUnavailable, "speech_unavailable", "Siaran ini tidak bisa diucapkan di server: \(error).")
            }
        }
        guard let rendered = try voice.render(call: event) else {
            throw APIError(.notFound, "announcement_not_found", "Tidak ada panggilan atau siaran bersuara dengan nomor pengumuman \(id).")
        }
        return rendered.pcm
    }
}

struct PreviewJSON: Encodable {
    var text: String
    var languages: [String]
    /// Every clip in playing order, the chime first.
    var clips: [String]
    var durationMs: Int
}
