import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import PanggilVoice
import Testing
@testable import PanggilServer

@Suite("Announcement previews and audio")
struct AnnouncementAPITests {
    func harness() async throws -> Harness {
        var harness = try Harness()
        harness.voice = try await CallVoice(site: harness.store.site, audio: Fixtures.audioDirectory, synthesizer: nil)
        return harness
    }

    /// A speaker display sounds an emergency from the same address as a call: the broadcast's
    /// `startedEvent`. Without espeak-ng (as here) an emergency is the alarm alone.
    @Test func anEmergencysAudioIsServedAndASilentNoticeHasNone() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let emergency = try await client.send(.post, "/api/broadcasts", #"{"template": "gempa"}"#)
            let id = try #require(emergency["startedEvent"] as? Int)
            let samples = try await client.execute(uri: "/api/announcements/\(id).wav", method: .get) { response in
                #expect(response.status == .ok)
                return try WAVFile.read(Data(buffer: response.body)).samples
            }
            #expect(samples == Alarm.tone(sampleRate: VoicePack.sampleRate).samples)
            let notice = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "Tanpa suara"}"#)
            let silent = try #require(notice["startedEvent"] as? Int)
            let missing = try await client.send(.get, "/api/announcements/\(silent).wav")
            #expect(missing.status == .notFound && missing.errorCode == "announcement_not_found")
        }
    }

    @Test func aPreviewSaysWhatTheLoudspeakersWouldSay() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let preview = try await client.send(.get, "/api/announcements/preview?ticket=A-012&counter=3")
            #expect(preview.status == .ok)
            #expect(preview["text"] as? String == "Nomor antrian, A, dua belas. Silakan menuju meja tiga.")
            #expect(preview["clips"] as? [String] == ["chime", "nomor-antrian", "huruf-a", "dua", "belas", "silakan-menuju", "meja", "tiga"])
            let expected = try harness.voice!.render(ticket: TicketLabel(prefix: "A", number: 12), counter: harness.store.site.counter(3)!, recall: false)
            #expect(preview["durationMs"] as? Int == expected.durationMs)
            let recall = try await client.send(.get, "/api/announcements/preview?ticket=B-101&counter=1&recall=true")
            #expect(recall["text"] as? String == "Panggilan ulang. Nomor antrian, B, seratus satu. Silakan menuju loket satu.")
        }
    }

    @Test(arguments: [
        ("/api/announcements/preview?counter=3", 400, "invalid_ticket"),
        ("/api/announcements/preview?ticket=12-A&counter=3", 400, "invalid_ticket"),
        ("/api/announcements/preview?ticket=A-012", 400, "invalid_counter"),
        ("/api/announcements/preview?ticket=A-012&counter=tiga", 400, "invalid_counter"),
        ("/api/announcements/preview?ticket=A-012&counter=99", 404, "unknown_counter"),
        ("/api/announcements/preview?ticket=X-012&counter=3", 404, "unknown_service"),
        ("/api/announcements/123.mp3", 404, "announcement_not_found"),
        ("/api/announcements/abc.wav", 404, "announcement_not_found"),
        ("/api/announcements/1.wav", 404, "announcement_not_found"),
    ])
    func badRequestsAreExplained(uri: String, status: Int, code: String) async throws {
        let harness = try await harness()
        try await harness.run { client in
            let reply = try await client.send(.get, uri)
            #expect(reply.status.code == status && reply.errorCode == code, "\(uri): \(reply.status) \(reply.json)")
        }
    }

    @Test func aLoggedCallCanBeFetchedAsTheAudioThatWasPlayed() async throws {
        let harness = try await harness()
        let store = harness.store
        _ = try await store.setCounter(1, to: .open, by: .system)
        _ = try await store.issue(service: "B", priority: false, by: .system)
        _ = try await store.callNext(counter: 1, by: .system)
        _ = try await store.recall(.label(TicketLabel(prefix: "B", number: 1)), by: .system)
        let events = try await store.events(after: 0, limit: 100)
        let call = try #require(events.first { $0.type == .ticketCalled })
        let recall = try #require(events.first { $0.type == .ticketRecalled })
        let issue = try #require(events.first { $0.type == .ticketIssued })
        try await harness.run { client in
            for (event, isRecall) in [(call, false), (recall, true)] {
                try await client.execute(uri: "/api/announcements/\(event.seq).wav", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "audio/wav")
                    let pcm = try WAVFile.read(Data(buffer: response.body))
                    let expected = try harness.voice!.render(ticket: TicketLabel(prefix: "B", number: 1), counter: store.site.counter(1)!,
                                                             recall: isRecall)
                    #expect(pcm == expected.pcm)
                }
            }
            // Only calls and recalls are announcements.
            let other = try await client.send(.get, "/api/announcements/\(issue.seq).wav")
            #expect(other.status == .notFound && other.errorCode == "announcement_not_found")
        }
    }

    @Test func withoutLoudspeakersTheHealthCheckSaysSo() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let health = try await client.send(.get, "/healthz")
            #expect((health["audio"] as? [String: Any])?["state"] as? String == "off")
        }
    }
}
