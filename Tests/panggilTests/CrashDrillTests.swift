import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilStore
import PanggilTesting
import Testing

/// Reliability drill: the power fails (`kill -9`) in the middle of a burst of API operations from
/// several clients. After a restart every acknowledged operation is in the store, the log has no gap,
/// and a display that resumes from the last event it saw ends up with every event exactly once.
@Suite("Drill: crash during a burst", .serialized)
struct CrashDrillTests {
    static let siteYAML = """
        name: Hall Drill
        enforce_hours: false
        zones: [{id: z, name: Lantai 1, sink: z}]
        agencies: [{id: x, name: Instansi X}]
        services: [{code: A, name: Layanan A, agency: x}, {code: B, name: Layanan B, agency: x}]
        counters:
          - {number: 1, zone: z, services: [A, B]}
          - {number: 2, zone: z, services: [A, B]}
        """


    @Test func everyAcknowledgedOperationSurvivesAPowerCut() async throws {
        let directory = Fixtures.temporaryDirectory()
        let (started, cookie) = try await RunningServer.withAdmin(site: Self.siteYAML, in: directory, password: "kata-sandi-latihan")
        var server = started
        defer { server.stop() }
        let port = server.port

        let display = try StreamClient(port: port, path: "/api/events")
        #expect(await display.wait { $0.contains("event: snapshot") })

        // Four clients issue tickets as fast as they are answered; the cut comes in the middle of the
        // burst, once two thousand have been acknowledged (or after 20 s on a very slow machine).
        let clients = 4
        let answered = Tally()
        let acknowledged = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var ids: [Int64] = []
                    while true {
                        // No answer: the server is gone.
                        guard let reply = try? await http(.POST, port: port, "/api/tickets", body: #"{"service": "\#(client % 2 == 0 ? "A" : "B")"}"#,
                                                          cookie: cookie, timeout: .seconds(5)) else { return ids }
                        if reply.status == 201, let id = reply.json["id"] as? Int {
                            ids.append(Int64(id))
                            answered.add()
                        }
                    }
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while answered.count < 2_000, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            server.kill()
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(acknowledged.count >= 2_000, "the burst was a burst: \(acknowledged.count) acknowledged")
        let lastSeen = try #require(parseEvents(String(decoding: display.body, as: UTF8.self)).last { $0.type != "snapshot" }?.id)

        server = try await RunningServer(arguments: ["--config", "situs.yaml", "--no-speakers"], in: directory, port: port)
        let site = try SiteFile.parse(Self.siteYAML)
        let store = try SQLiteQueueStore(path: directory.appendingPathComponent("data/panggil.sqlite").path, site: site)
        var missing = 0
        for id in acknowledged where (try? await store.ticket(.id(id))) == nil { missing += 1 }
        #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged tickets lost")
        let log = try await store.events(after: 0, limit: 1_000_000)
        #expect(zip(log, log.dropFirst()).allSatisfy { $0.seq + 1 == $1.seq }, "the log has no gap")
        #expect(log.count >= acknowledged.count)

        // The display resumes where it was cut off and receives exactly what it missed.
        let resumed = try StreamClient(port: port, path: "/api/events?last_event_id=\(lastSeen)")
        let expected = log.count
        func ids(_ text: String) -> [Int64] { parseEvents(text).filter { $0.type != "snapshot" }.compactMap { $0.id.flatMap(Int64.init) } }
        let before = ids(String(decoding: display.body, as: UTF8.self))
        #expect(await resumed.wait(timeout: .seconds(15)) { text in
            before.count + ids(text).count >= expected
        })
        let after = ids(String(decoding: resumed.body, as: UTF8.self))
        #expect(before + after == log.map(\.seq), "every event once, in order, across the cut")
        print("crash drill: \(acknowledged.count) tickets acknowledged by \(clients) clients before kill -9, \(log.count) events in the log after restart, \(missing) lost")
    }
}

/// Acknowledged operations so far, counted by the clients as they go.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
