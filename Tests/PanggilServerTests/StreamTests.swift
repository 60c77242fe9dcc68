import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilStore
import PanggilTesting
import Testing
@testable import PanggilServer

/// The live stream over real sockets.
@Suite("Event stream")
struct StreamTests {
    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func aStreamOpensWithHeadersACommentAndASnapshotThenFollowsTheLog() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let stream = try StreamClient(port: client.port!, path: "/api/events")
            #expect(await stream.wait { $0.contains("event: snapshot") })
            let head = stream.head.lowercased()
            #expect(head.hasPrefix("http/1.1 200"))
            #expect(head.contains("content-type: text/event-stream"))
            #expect(head.contains("cache-control: no-cache"))
            #expect(head.contains("x-accel-buffering: no"))
            #expect(!head.contains("content-encoding"))
            let body = String(decoding: stream.body, as: UTF8.self)
            #expect(body.hasPrefix(": panggil\n\nretry: "))
            let retry = body.split(separator: "\n").first { $0.hasPrefix("retry: ") }.flatMap { Int($0.dropFirst(7)) } ?? 0
            #expect((2_000...5_000).contains(retry))

            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(await stream.wait { parseEvents($0).count == 3 })
            let events = parseEvents(String(decoding: stream.body, as: UTF8.self))
            let logged = try await harness.store.events(after: 0, limit: 10)
            #expect(events.map(\.type) == ["snapshot", "counter.changed", "ticket.called"])
            #expect(events.dropFirst().map(\.id) == logged.dropFirst().map { String($0.seq) })
            #expect(events[0].id == String(logged[0].seq), "the snapshot carries the id of the last event in it")
            let called = json(events[2].data)
            #expect(called["seq"] as? Int == Int(logged[2].seq))
            #expect((called["ticket"] as? [String: Any])?["number"] as? String == "B-001")
            #expect((called["counter"] as? [String: Any])?["name"] as? String == "Meja 3")
            #expect((called["at"] as? String)?.hasSuffix("+07:00") == true)
            let snapshot = json(events[0].data)
            #expect((snapshot["services"] as? [[String: Any]])?.first { $0["code"] as? String == "B" }?["waiting"] as? Int == 1)
        }
    }

    @Test func anIndependentParserReadsTheLiveStream() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let stream = try StreamClient(port: client.port!, path: "/api/events")
            #expect(await stream.wait { $0.contains("event: snapshot") })
            for service in ["A", "B", "P", "A"] { _ = try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#) }
            _ = try await client.send(.post, "/api/counters/1/open")
            _ = try await client.send(.post, "/api/counters/1/call-next")
            _ = try await client.send(.post, "/api/tickets/A-001/recall")
            #expect(await stream.wait { parseEvents($0).count == 8 })
            let ours = parseEvents(String(decoding: stream.body, as: UTF8.self))
            let theirs = try await thirdPartyEvents(stream.body)
            #expect(theirs == ours)
            #expect(theirs.map(\.type) == ["snapshot", "ticket.issued", "ticket.issued", "ticket.issued", "ticket.issued",
                                           "counter.changed", "ticket.called", "ticket.recalled"])
            let logged = try await harness.store.events(after: 0, limit: 100).map { String($0.seq) }
            #expect(Array(theirs.dropFirst().map(\.id)) == logged)
        }
    }

    @Test func reconnectingWithLastEventIDGetsExactlyWhatWasMissed() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let port = client.port!
            let first = try StreamClient(port: port, path: "/api/events")
            #expect(await first.wait { $0.contains("event: snapshot") })
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            #expect(await first.wait { parseEvents($0).count == 2 })
            let lastSeen = try #require(parseEvents(String(decoding: first.body, as: UTF8.self)).last?.id)
            first.disconnect()

            for _ in 0..<3 { _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#) }
            let missed = try await harness.store.events(after: Int64(lastSeen)!, limit: 100).map { String($0.seq) }
            #expect(missed.count == 3)

            // By header, by query, and the header winning over a stale query (as a browser reconnects).
            let paths: [(String, [String: String])] = [
                ("/api/events", ["Last-Event-ID": lastSeen]),
                ("/api/events?last_event_id=\(lastSeen)", [:]),
                ("/api/events?last_event_id=1", ["Last-Event-ID": lastSeen]),
            ]
            for (path, headers) in paths {
                let again = try StreamClient(port: port, path: path, headers: headers)
                #expect(await again.wait { parseEvents($0).count == 3 })
                try await Task.sleep(for: .milliseconds(100))
                let events = parseEvents(String(decoding: again.body, as: UTF8.self))
                #expect(events.map(\.id) == missed.map(Optional.some), "\(path) \(headers)")
                #expect(!events.contains { $0.type == "snapshot" })
                again.disconnect()
            }
        }
    }

    @Test func theSeamBetweenReplayAndLiveHasNoGapAndNoRepeat() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let start = try #require(try await harness.store.events(after: 0, limit: 1).first?.seq)
            // Writes keep coming while the client reconnects.
            let writer = Task {
                for _ in 0..<60 { _ = try await harness.store.issue(service: "B", priority: false, by: .api) }
            }
            try await Task.sleep(for: .milliseconds(20))
            let again = try StreamClient(port: client.port!, path: "/api/events", headers: ["Last-Event-ID": String(start)])
            try await writer.value
            #expect(await again.wait { parseEvents($0).count == 60 })
            let ids = parseEvents(String(decoding: again.body, as: UTF8.self)).compactMap { $0.id.flatMap { Int64($0) } }
            #expect(ids == Array(start + 1...start + 60))
        }
    }

    @Test(arguments: ["pruned", "foreign", "garbage", "future"])
    func anIDThatCannotBeResumedGetsASnapshot(kind: String) async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let bounds = try await harness.store.logBounds()
            let id = switch kind {
            case "pruned": String(bounds.resumableFrom - 1)  // before the oldest event still in the log
            case "foreign": "12345"  // another database's numbering
            case "future": String(bounds.latest + 1_000)
            default: "abc"
            }
            let stream = try StreamClient(port: client.port!, path: "/api/events", headers: ["Last-Event-ID": id])
            #expect(await stream.wait { $0.contains("event: snapshot") })
            let events = parseEvents(String(decoding: stream.body, as: UTF8.self))
            #expect(events.map(\.type) == ["snapshot"])
            #expect(events.first?.id == String(bounds.latest))
        }
    }

    @Test func filtersDeliverOnlyTheirScope() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let port = client.port!
            let zone2 = try StreamClient(port: port, path: "/api/events?zone=z2")
            let serviceA = try StreamClient(port: port, path: "/api/events?services=a")
            let counter4 = try StreamClient(port: port, path: "/api/events?counters=4")
            let both = try StreamClient(port: port, path: "/api/events?zone=z1&services=B")
            for stream in [zone2, serviceA, counter4, both] { #expect(await stream.wait { $0.contains("snapshot") }) }
            for service in ["A", "B", "P"] { _ = try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#) }
            for counter in [1, 3, 4] { _ = try await client.send(.post, "/api/counters/\(counter)/open") }
            _ = try await client.send(.post, "/api/counters/1/call-next")  // A-001 at counter 1 (zone 1)
            _ = try await client.send(.post, "/api/counters/3/call-next")  // B-001 at counter 3 (zone 2)
            _ = try await client.send(.post, "/api/counters/4/call-next")  // P-001 at counter 4 (zone 2)
            try await Task.sleep(for: .milliseconds(300))

            func seen(_ stream: StreamClient) -> [String] {
                parseEvents(String(decoding: stream.body, as: UTF8.self)).dropFirst().map { event in
                    let data = json(event.data)
                    let ticket = (data["ticket"] as? [String: Any])?["number"] as? String ?? "-"
                    let counter = (data["counter"] as? [String: Any])?["number"] as? Int
                    return "\(event.type ?? "") \(ticket) \(counter.map(String.init) ?? "-")"
                }
            }
            #expect(seen(zone2) == ["ticket.issued B-001 -", "ticket.issued P-001 -", "counter.changed - 3", "counter.changed - 4",
                                    "ticket.called B-001 3", "ticket.called P-001 4"])
            #expect(seen(serviceA) == ["ticket.issued A-001 -", "counter.changed - 1", "ticket.called A-001 1"])
            #expect(seen(counter4) == ["ticket.issued P-001 -", "counter.changed - 4", "ticket.called P-001 4"])
            #expect(seen(both) == ["ticket.issued B-001 -", "counter.changed - 1"])
            // The snapshot is restricted the same way.
            let snapshot = json(parseEvents(String(decoding: zone2.body, as: UTF8.self))[0].data)
            #expect((snapshot["counters"] as? [[String: Any]])?.compactMap { $0["number"] as? Int } == [3, 4])
            #expect(Set((snapshot["services"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []) == ["B", "P"])
        }
    }

    @Test(arguments: [("/api/events?zone=atap", 404, "unknown_zone"), ("/api/events?services=A,Q", 404, "unknown_service"),
                      ("/api/events?counters=1,x", 404, "unknown_counter"), ("/api/events?ticket=nope", 404, "ticket_not_found"),
                      ("/api/events?display=Lobi%20Utama", 400, "invalid_display"), ("/api/events?layout=", 400, "invalid_layout")])
    func unknownFiltersAreRefused(path: String, status: Int, code: String) async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let refused = try StreamClient(port: client.port!, path: path)
            #expect(await refused.waitForEnd())
            #expect(refused.head.hasPrefix("HTTP/1.1 \(status)"))
            #expect(refused.head.lowercased().contains("content-type: application/json"))
            let body = (try? JSONSerialization.jsonObject(with: Data(refused.body))) as? [String: Any]
            #expect((body?["error"] as? [String: Any])?["code"] as? String == code)
        }
    }

    @Test func aPhoneSeesItsOwnTicketAndNoOneElses() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let others = [try await client.send(.post, "/api/tickets", #"{"service": "B", "priority": true}"#)]
            let mine = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let code = try #require(mine["code"] as? String)
            let myID = try #require(mine["id"] as? Int)
            let phone = try StreamClient(port: client.port!, path: "/api/events?ticket=\(code)")
            #expect(await phone.wait { $0.contains("snapshot") })
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "P"}"#)
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/3/call-next")  // the priority ticket
            _ = try await client.send(.post, "/api/tickets/\(others[0]["id"] as! Int)/start")
            _ = try await client.send(.post, "/api/tickets/\(others[0]["id"] as! Int)/complete")
            _ = try await client.send(.post, "/api/counters/3/call-next")  // mine
            #expect(await phone.wait { $0.contains("\"state\":\"called\"") })
            let events = parseEvents(String(decoding: phone.body, as: UTF8.self))
            #expect(events.first?.type == "snapshot")
            let first = json(events[0].data)
            #expect(first["peopleAhead"] as? Int == 1 && first["position"] as? Int == 2)
            for event in events {
                let data = json(event.data)
                #expect((data["ticket"] as? [String: Any])?["id"] as? Int == myID, "every event is about my ticket")
                #expect(data["code"] == nil)
                #expect(!event.data.contains("\"priority\":true"), "nothing about the priority ticket ahead")
            }
            #expect(!events.contains { $0.data.contains("P-001") }, "other services' tickets never appear")
            let last = json(events.last!.data)
            #expect(last["state"] as? String == "called" && (last["counter"] as? [String: Any])?["number"] as? Int == 3)
            #expect(last["nowServing"] as? String == "B-002")
        }
    }

    /// A phone learns of the broadcasts that reach its ticket's zones (those whose counters serve its
    /// service): an evacuation reaches the citizen waiting outside, not another floor's notice.
    @Test func aPhoneHearsTheBroadcastsOfItsTicketsZones() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            // P is served only at counter 4, in zone z2.
            let earlier = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "Lantai 2 dibersihkan", "zones": ["z2"]}"#)
            let ticket = try await client.send(.post, "/api/tickets", #"{"service": "P"}"#)
            let code = try #require(ticket["code"] as? String)
            let phone = try StreamClient(port: client.port!, path: "/api/events?ticket=\(code)")
            #expect(await phone.wait { $0.contains("snapshot") })
            let snapshot = try #require(parseEvents(String(decoding: phone.body, as: UTF8.self)).first)
            let active = json(snapshot.data)["broadcasts"] as? [[String: Any]]
            #expect(active?.map { $0["id"] as? Int } == [earlier["id"] as? Int], "the notice already up in its zone")

            _ = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "Lantai 1 saja", "zones": ["z1"]}"#)
            let evacuation = try await client.send(.post, "/api/broadcasts", #"{"template": "evakuasi"}"#)
            let id = try #require(evacuation["id"] as? Int)
            #expect(await phone.wait { $0.contains("event: broadcast.started") })
            _ = try await client.send(.delete, "/api/broadcasts/\(id)")
            #expect(await phone.wait { $0.contains("event: broadcast.ended") })
            let broadcasts = parseEvents(String(decoding: phone.body, as: UTF8.self)).filter { $0.type?.hasPrefix("broadcast.") == true }
            #expect(broadcasts.map(\.type) == ["broadcast.started", "broadcast.ended"], "not the first floor's notice")
            let started = json(broadcasts[0].data)
            #expect((started["broadcast"] as? [String: Any])?["kind"] as? String == "emergency")
            #expect((started["ticket"] as? [String: Any])?["number"] as? String == "P-001", "and the ticket's status with it")
        }
    }

    @Test func heartbeatsKeepAnIdleStreamAlive() async throws {
        var stream = StreamConfiguration()
        stream.heartbeat = .milliseconds(100)
        let harness = try Harness(stream: stream)
        try await harness.run(.live) { client in
            let idle = try StreamClient(port: client.port!, path: "/api/events")
            #expect(await idle.wait { $0.components(separatedBy: ": heartbeat\n\n").count >= 4 })
        }
    }

    /// A heartbeat to a stream that events keep busy would be wasted, and sent to thousands of streams it
    /// is a whole fan-out that a call could queue behind.
    @Test func aBusyStreamGetsNoHeartbeats() async throws {
        var stream = StreamConfiguration()
        stream.heartbeat = .seconds(2)  // looked at every 0.5 s; sent after 1.5 s of quiet
        let harness = try Harness(stream: stream)
        try await harness.run(.live) { client in
            let busy = try StreamClient(port: client.port!, path: "/api/events")
            let quiet = try StreamClient(port: client.port!, path: "/api/events?services=P")
            #expect(await busy.wait { $0.contains("snapshot") })
            #expect(await quiet.wait { $0.contains("snapshot") })
            let start = ContinuousClock.now
            var last = start, longestGap = Duration.zero
            while ContinuousClock.now - start < .milliseconds(4_500) {
                #expect(try await client.send(.post, "/api/tickets", #"{"service": "B"}"#).status == .created)
                longestGap = max(longestGap, ContinuousClock.now - last)
                last = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(busy.text.components(separatedBy: "event: ticket.issued").count > 3)
            #expect(quiet.text.components(separatedBy: ": heartbeat\n\n").count >= 3, "the quiet stream still gets them")
            // On a machine so crowded that a ticket took over a second, a heartbeat would be right.
            if longestGap < .milliseconds(1_200) {
                #expect(!busy.text.contains(": heartbeat"), "a ticket at least every \(longestGap)")
            }
        }
    }

    @Test func beyondTheLimitNewStreamsGet503WithRetryAfter() async throws {
        var stream = StreamConfiguration()
        stream.maxSubscribers = 2
        let harness = try Harness(stream: stream)
        try await harness.run(.live) { client in
            let port = client.port!
            let open = try (0..<2).map { _ in try StreamClient(port: port, path: "/api/events") }
            for stream in open { #expect(await stream.wait { $0.contains("snapshot") }) }
            let refused = try StreamClient(port: port, path: "/api/events")
            #expect(await refused.waitForEnd() || refused.head.contains("503"))
            #expect(refused.head.hasPrefix("HTTP/1.1 503"))
            #expect(refused.head.lowercased().contains("retry-after: "))
            #expect(String(decoding: refused.body, as: UTF8.self).contains("too_many_streams"))
            // A stream that ends frees its place.
            open[0].disconnect()
            try await Task.sleep(for: .milliseconds(300))
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)  // a write notices the closed socket
            let deadline = ContinuousClock.now + .seconds(5)
            var later: StreamClient
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                later = try StreamClient(port: port, path: "/api/events")
                _ = await later.wait(timeout: .seconds(1)) { $0.contains("snapshot") || !$0.isEmpty }
            } while !later.head.hasPrefix("HTTP/1.1 200") && ContinuousClock.now < deadline
            #expect(later.head.hasPrefix("HTTP/1.1 200"))
        }
    }

    /// A client that stops reading is cut off once its queue is full, and the others get everything meanwhile.
    @Test func aSlowClientIsCutOffWithoutDelayingTheOthers() async throws {
        var stream = StreamConfiguration()
        stream.queueLimitBytes = 16 * 1024
        let harness = try Harness(site: Fixtures.busySite(counters: 1), stream: stream)
        try await harness.run(.live) { client in
            let port = client.port!
            let stalled = try StreamClient(port: port, path: "/api/events", receiveBuffer: 2048, read: false)
            let healthy = try StreamClient(port: port, path: "/api/events")
            #expect(await healthy.wait { $0.contains("snapshot") })
            let published = 4000
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<20 {
                    group.addTask {
                        for _ in stride(from: worker, to: published, by: 20) {
                            _ = try await harness.store.issue(service: "A", priority: false, by: .api)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Loose on purpose: the suites share two cores with headless Chromium. A stalled client that
            // held up delivery would keep the healthy one from ever getting everything.
            #expect(await healthy.wait(timeout: .seconds(60)) { parseEvents($0).count == published + 1 })
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(60), "the healthy client got every event in \(elapsed)")
            #expect(await stalled.waitForEnd(timeout: .seconds(10)), "the stalled client was disconnected")
            let received = parseEvents(String(decoding: stalled.body, as: UTF8.self)).count
            #expect(received < published, "it did not get everything: \(received)")
            // The counters say so too: one stream left, one cut off.
            try await Task.sleep(for: .milliseconds(200))
            let streams = try await client.send(.get, "/healthz")["streams"] as? [String: Any]
            #expect(streams?["dropped"] as? Int == 1)
            #expect(streams?["subscribers"] as? Int == 1)
            #expect((streams?["delivered"] as? Int ?? 0) >= published)
        }
    }
}
