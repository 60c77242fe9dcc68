import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilStore
import PanggilTesting
import Testing

/// SIGTERM, as a service manager sends it at shutdown: the announcement playing is finished (and
/// logged as played) before the process exits cleanly, so that a citizen is never cut off mid-call.
@Suite("Drill: shutdown while a call is said", .serialized)
struct ShutdownDrillTests {
    static let siteYAML = """
        name: Hall Tutup
        enforce_hours: false
        zones: [{id: z1, name: Lantai 1, sink: zona_1}]
        agencies: [{id: x, name: X}]
        services: [{code: A, name: KTP, agency: x}]
        counters: [{number: 1, zone: z1, services: [A]}]
        """

    @Test func sigtermFinishesTheAnnouncementPlayingThenExits() async throws {
        let directory = Fixtures.temporaryDirectory()
        try Self.siteYAML.write(to: directory.appendingPathComponent("situs.yaml"), atomically: true, encoding: .utf8)
        let daemon = try await PulseDaemon.start(sinks: ["zona_1"])
        defer { daemon.stop() }
        let server = try await RunningServer(arguments: ["--config", "situs.yaml", "--pulse-server", daemon.server,
                                                         "--audio", Fixtures.audioDirectory.path], in: directory)
        defer { server.stop() }
        var connected = false
        for _ in 0..<200 where !connected {
            connected = ((try? await server.get("/healthz"))?["audio"] as? [String: Any])?["state"] as? String == "connected"
            if !connected { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(connected)
        for command in [["open", "--counter", "1"], ["issue", "--service", "A"], ["call-next", "--counter", "1"]] {
            let run = try await panggil(command + ["--config", "situs.yaml"], in: directory)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let store = try SQLiteQueueStore(path: directory.appendingPathComponent("data/panggil.sqlite").path,
                                         site: try SiteFile.parse(Self.siteYAML))
        let call = try #require(try await store.events(after: 0, limit: 100).first { $0.type == .ticketCalled }?.seq)
        let deadline = ContinuousClock.now + .seconds(15)
        while try await !store.events(after: 0, limit: 100).contains(where: { $0.type == .announcementStarted && $0.announcement?.id == call }),
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))                              // well into the call (about 4 s)

        #expect(await server.terminate() == 0)                                     // SIGTERM
        let outcomes = try await store.events(after: 0, limit: 100).filter { $0.type == .announcementFinished && $0.announcement?.id == call }
            .compactMap { $0.announcement?.outcome }
        #expect(outcomes == [.played], "the call being said was finished, not cut off")
    }
}
