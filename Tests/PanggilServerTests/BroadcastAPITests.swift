import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Broadcasts over HTTP and the stream")
struct BroadcastAPITests {
    @Test func noticesAndEmergenciesStartAndEndAndReachTheirZones() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let port = client.port!
            let zone1 = try StreamClient(port: port, path: "/api/events?zone=z1")
            let zone2 = try StreamClient(port: port, path: "/api/events?counters=3")
            #expect(await zone1.wait { $0.contains("event: snapshot") })
            #expect(await zone2.wait { $0.contains("event: snapshot") })

            let notice = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "  Layanan paspor tutup pukul 14.00  "}"#)
            #expect(notice.status == .created)
            #expect(notice["text"] as? String == "Layanan paspor tutup pukul 14.00")
            #expect(notice["zones"] as? [String] == [])
            let emergency = try await client.send(.post, "/api/broadcasts",
                                                  #"{"kind": "emergency", "text": "Harap tinggalkan gedung.", "zones": ["z2", "z2"]}"#)
            #expect(emergency.status == .created)
            #expect(emergency["zones"] as? [String] == ["z2"])
            let emergencyID = try #require(emergency["id"] as? Int)

            let active = try await client.execute(uri: "/api/broadcasts", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(active.map { $0["kind"] as? String } == ["notice", "emergency"])

            let ended = try await client.send(.delete, "/api/broadcasts/\(emergencyID)")
            #expect(ended.status == .ok && ended["id"] as? Int == emergencyID)
            let again = try await client.send(.delete, "/api/broadcasts/\(emergencyID)")
            #expect(again.status == .notFound && again.errorCode == "broadcast_not_found")

            // The whole hall gets the notice; only zone 2 (counter 3's) gets the emergency and its end.
            #expect(await zone2.wait { parseEvents($0).count == 4 })
            try await Task.sleep(for: .milliseconds(200))
            let seen1 = parseEvents(String(decoding: zone1.body, as: UTF8.self)).map(\.type)
            let seen2 = parseEvents(String(decoding: zone2.body, as: UTF8.self)).map(\.type)
            #expect(seen1 == ["snapshot", "broadcast.started"])
            #expect(seen2 == ["snapshot", "broadcast.started", "broadcast.started", "broadcast.ended"])
            let started = parseEvents(String(decoding: zone2.body, as: UTF8.self))[2]
            let data = try #require(try JSONSerialization.jsonObject(with: Data(started.data.utf8)) as? [String: Any])
            let broadcast = try #require(data["broadcast"] as? [String: Any])
            #expect(broadcast["kind"] as? String == "emergency" && broadcast["text"] as? String == "Harap tinggalkan gedung.")

            // A display that connects later finds the active notice in its snapshot.
            let late = try StreamClient(port: port, path: "/api/events?zone=z2")
            #expect(await late.wait { $0.contains("event: snapshot") })
            let snapshot = try #require(parseEvents(String(decoding: late.body, as: UTF8.self)).first)
            let board = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.data.utf8)) as? [String: Any])
            #expect((board["broadcasts"] as? [[String: Any]])?.map { $0["text"] as? String } == ["Layanan paspor tutup pukul 14.00"])
        }
    }

    @Test(arguments: [
        (#"{"kind": "notice", "text": "   "}"#, 422, "invalid_broadcast"),
        (#"{"kind": "notice", "text": "\#(String(repeating: "x", count: 501))"}"#, 422, "invalid_broadcast"),
        (#"{"kind": "siren", "text": "Awas"}"#, 400, "invalid_kind"),
        (#"{"kind": "notice", "text": "Awas", "zones": ["atap"]}"#, 404, "unknown_zone"),
        (#"{"kind": "notice"}"#, 400, "missing_field"),
        (#"{"kind": "notice", "text": 5}"#, 400, "invalid_field"),
        ("not json", 400, "invalid_json"),
    ])
    func aRefusedBroadcastSaysWhyAndChangesNothing(body: String, status: Int, code: String) async throws {
        let harness = try Harness()
        try await harness.run { client in
            let reply = try await client.send(.post, "/api/broadcasts", body)
            #expect(reply.status.code == status)
            #expect(reply.errorCode == code)
            #expect(reply.errorMessage?.isEmpty == false)
            #expect(try await harness.eventCount() == 0)
            let ended = try await client.send(.delete, "/api/broadcasts/abc")
            #expect(ended.status == .badRequest)
        }
    }

    @Test func liveEventsCarryTheQueueLinesTheyChanged() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let stream = try StreamClient(port: client.port!, path: "/api/events")
            #expect(await stream.wait { $0.contains("event: snapshot") })
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B", "priority": true}"#)
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(await stream.wait { parseEvents($0).count == 5 })
            let events = parseEvents(String(decoding: stream.body, as: UTF8.self)).dropFirst().map { event in
                (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
            }
            func line(_ event: [String: Any], _ code: String) -> [String: Any]? {
                (event["queues"] as? [[String: Any]])?.first { $0["code"] as? String == code }
            }
            #expect(line(events[0], "B")?["waiting"] as? Int == 1)
            #expect(line(events[1], "B")?["waiting"] as? Int == 2 && line(events[1], "B")?["priorityWaiting"] as? Int == 1)
            // Counter 3 serves only B: opening it changes B's estimate, not A's.
            #expect((events[2]["queues"] as? [[String: Any]])?.map { $0["code"] as? String } == ["B"])
            let called = try #require(line(events[3], "B"))
            #expect(called["waiting"] as? Int == 1 && called["priorityWaiting"] as? Int == 0)
            #expect((called["nowServing"] as? [String: Any])?["number"] as? String == "B-002")
        }
    }
}
