import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Schedule and broadcasts posted ahead, over HTTP and the stream")
struct ScheduleAPITests {
    /// The stream's broadcast events so far, as (type, broadcast).
    func broadcasts(_ client: StreamClient) -> [(type: String, broadcast: [String: Any])] {
        parseEvents(String(decoding: client.body, as: UTF8.self)).compactMap { event in
            guard let type = event.type, type.hasPrefix("broadcast."),
                  let data = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any],
                  let broadcast = data["broadcast"] as? [String: Any] else { return nil }
            return (type, broadcast)
        }
    }

    @Test func aNoticeAppearsAndDisappearsAtItsTimesAndTheBreakIsAnnouncedAsItBegins() async throws {
        let harness = try Harness(site: Fixtures.scheduledSite, at: "2026-12-04 11:00")    // a Friday
        try await harness.run(.live) { client in
            let display = try StreamClient(port: client.port!, path: "/api/events?zone=z1")
            #expect(await display.wait { $0.contains("event: snapshot") })

            let posted = try await client.send(.post, "/api/broadcasts", #"""
                {"kind": "notice", "text": "Loket Samsat buka kembali pukul 11.20", "textEn": "Samsat reopens at 11.20",
                 "startsAt": "2026-12-04T11:10:00+07:00", "until": "2026-12-04T04:20:00Z", "spoken": true}
                """#)
            #expect(posted.status == .created)
            #expect(posted["status"] as? String == "scheduled")
            #expect(posted["startedAt"] as? String == "2026-12-04T11:10:00.000+07:00")
            #expect(posted["until"] as? String == "2026-12-04T11:20:00.000+07:00")
            let listed = try await client.execute(uri: "/api/broadcasts", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(listed.map { $0["status"] as? String } == ["scheduled"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(broadcasts(display).isEmpty, "not on the screens before its time")

            harness.clock.set(Fixtures.wib("2026-12-04 11:10"))
            #expect(await display.wait { _ in broadcasts(display).count == 1 })
            let started = try #require(broadcasts(display).first)
            #expect(started.type == "broadcast.started")
            #expect(started.broadcast["text"] as? String == "Loket Samsat buka kembali pukul 11.20")
            #expect(started.broadcast["textEn"] as? String == "Samsat reopens at 11.20")
            #expect(started.broadcast["spoken"] as? Bool == true)

            harness.clock.set(Fixtures.wib("2026-12-04 11:20"))
            #expect(await display.wait { _ in broadcasts(display).count == 2 })
            #expect(broadcasts(display).last?.type == "broadcast.ended")
            #expect(broadcasts(display).last?.broadcast["status"] as? String == "ended")

            // The Friday prayer break: announced by the schedule itself as it begins.
            harness.clock.set(Fixtures.wib("2026-12-04 11:29:59"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(broadcasts(display).count == 2)
            harness.clock.set(Fixtures.wib("2026-12-04 11:30"))
            #expect(await display.wait { _ in broadcasts(display).count == 3 })
            let breakNotice = try #require(broadcasts(display).last?.broadcast)
            #expect(breakNotice["occasion"] as? String == "break")
            #expect(breakNotice["spoken"] as? Bool == true)
            #expect((breakNotice["text"] as? String)?.contains("Istirahat sholat Jumat") == true)
            #expect(breakNotice["until"] as? String == "2026-12-04T13:00:00.000+07:00")

            // Meanwhile the kiosk is told why it cannot issue.
            let refused = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            #expect(refused.status == .conflict && refused.errorCode == "service_closed")
            #expect(refused.errorMessage?.contains("sedang istirahat (Istirahat sholat Jumat) sampai pukul 13.00") == true)

            harness.clock.set(Fixtures.wib("2026-12-04 13:00"))
            #expect(await display.wait { _ in broadcasts(display).count == 4 })
            #expect(try await client.send(.post, "/api/tickets", #"{"service": "B"}"#).status == .created)

            // A jump of the clock posts only what fell due in the last minute: 14.45 is due, the
            // break's end at 13.00 (already passed) is not posted again.
            harness.clock.set(Fixtures.wib("2026-12-04 14:45:20"))
            #expect(await display.wait { _ in broadcasts(display).count == 5 })
            #expect(broadcasts(display).last?.broadcast["occasion"] as? String == "closing")

            // The log tells who did what: the admin posted the first notice, the schedule the rest.
            let log = try await harness.store.events(after: 0, limit: 1000).filter { $0.type.isBroadcast }
            #expect(log.map(\.actor.rawValue) == ["user:admin", "system", "system", "system", "system"])
        }
    }

    /// A machine woken from sleep (or a clock set forward) says only what fell due within the last
    /// minute, not everything it slept through.
    @Test func afterAJumpOfTheClockOnlyTheLastMinutesNoticesArePosted() async throws {
        let harness = try Harness(site: Fixtures.scheduledSite, at: "2026-12-04 14:45:30")    // a Friday
        let scheduler = BroadcastScheduler(store: harness.store, check: .milliseconds(50), logger: Logger(label: "panggil-test"))
        _ = await scheduler.tick(after: Fixtures.wib("2026-12-04 11:00"))
        var log = try await harness.store.events(after: 0, limit: 100).filter { $0.type == .broadcastStarted }
        #expect(log.compactMap { $0.broadcast?.occasion } == [.closing], "the closing notice, not the break of 11.30")

        harness.clock.set(Fixtures.wib("2026-12-04 16:00"))
        _ = await scheduler.tick(after: Fixtures.wib("2026-12-04 14:46"))
        log = try await harness.store.events(after: 0, limit: 100).filter { $0.type == .broadcastStarted }
        #expect(log.count == 1)
    }

    @Test func aTemplateIsFilledInAndItsMistakesAreExplained() async throws {
        let harness = try Harness(site: Fixtures.scheduledSite)
        try await harness.run { client in
            let templates = try await client.execute(uri: "/api/broadcasts/templates", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(templates.map { $0["id"] as? String } == ["evakuasi", "gempa", "listrik-padam", "loket-tutup"])
            #expect(templates.last?["blanks"] as? [String] == ["loket"])

            let filled = try await client.send(.post, "/api/broadcasts", #"{"template": "loket-tutup", "params": {"loket": "3"}, "zones": ["z1"]}"#)
            #expect(filled.status == .created)
            #expect(filled["kind"] as? String == "notice")
            #expect((filled["text"] as? String)?.hasPrefix("Mohon maaf, loket 3 tutup sementara.") == true)
            #expect((filled["textEn"] as? String)?.hasPrefix("We are sorry, counter 3") == true)
            // Reworded, a template does not keep its English, which would say something else.
            let reworded = try await client.send(.post, "/api/broadcasts", #"{"template": "evakuasi", "text": "Kebakaran di lantai 2. Keluar lewat tangga timur."}"#)
            #expect(reworded["kind"] as? String == "emergency" && reworded["textEn"] == nil)
            let evacuate = try await client.send(.post, "/api/broadcasts", #"{"template": "evakuasi"}"#)
            #expect(evacuate["kind"] as? String == "emergency" && evacuate["spoken"] as? Bool == true)
            let count = try await harness.eventCount()

            for (body, status, code) in [
                (#"{"template": "loket-tutup"}"#, 422, "invalid_broadcast"),
                (#"{"template": "banjir"}"#, 400, "unknown_template"),
                (#"{"kind": "notice", "text": "x", "startsAt": "besok pagi"}"#, 400, "invalid_field"),
                (#"{"kind": "notice", "text": "x", "until": "2026-11-30T08:00:00+07:00"}"#, 422, "invalid_broadcast"),
                (#"{"text": "x"}"#, 400, "missing_field"),
            ] {
                let reply = try await client.send(.post, "/api/broadcasts", body)
                #expect(reply.status.code == status, "\(body)")
                #expect(reply.errorCode == code, "\(body)")
            }
            #expect(try await harness.eventCount() == count, "refused requests change nothing")
        }
    }
}
