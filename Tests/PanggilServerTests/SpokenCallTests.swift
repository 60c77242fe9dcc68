import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PanggilCore
import PanggilPulse
import PanggilSiteFile
import PanggilStore
import PanggilTesting
import PanggilVoice
import Testing
@testable import PanggilServer

/// The whole path against a real PulseAudio daemon with two null sinks: a call committed through the
/// API is rendered, queued for its zone and heard on that zone's sink monitor, and logged.
@Suite("Spoken calls through PulseAudio", .serialized)
struct SpokenCallTests {
    static let site = try! SiteFile.parse("""
        name: Hall Uji
        enforce_hours: false
        zones:
          - {id: z1, name: Lantai 1, sink: zona_1}
          - {id: z2, name: Lantai 2, sink: zona_2}
        agencies: [{id: x, name: X}]
        services: [{code: A, name: KTP, agency: x}]
        counters:
          - {number: 1, zone: z1, services: [A]}
          - {number: 2, zone: z1, services: [A]}
          - {number: 3, zone: z2, services: [A]}
        """)
    /// Quieter than this a recorded sample is silence: an idle null sink's monitor records zeros.
    static let silence = 64

    /// A server with loudspeakers on a private daemon, as `panggil serve` runs it.
    struct Hall {
        let daemon: PulseDaemon
        let output: PulseOutput
        let store: SQLiteQueueStore
        let voice: CallVoice

        func run(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
            var logger = Logger(label: "panggil-test")
            logger.logLevel = .warning
            try await Harness.seedAdmin(store)
            let app = try await buildApplication(store: store, authenticator: Authenticator(access: store.access),
                                                 configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
                                                 voice: voice, audio: output, logger: logger)
            try await app.test(.live) { client in
                try await self.waitForSpeakers(client)
                for counter in 1...3 { _ = try await client.send(.post, "/api/counters/\(counter)/open") }
                try await test(client)
            }
        }

        func waitForSpeakers(_ client: any TestClientProtocol, within limit: Duration = .seconds(20)) async throws {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                let health = try await client.send(.get, "/healthz")
                if (health["audio"] as? [String: Any])?["state"] as? String == "connected" { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the loudspeakers did not connect within \(limit)")
        }

        /// Calls next at `counter`, returning the call's event id (its announcement id).
        func callNext(_ client: any TestClientProtocol, counter: Int) async throws -> Int64 {
            let reply = try await client.send(.post, "/api/counters/\(counter)/call-next")
            #expect(reply.status == .ok, "\(reply.json)")
            let events = try await store.events(after: 0, limit: 100_000)
            return try #require(events.last { $0.type == .ticketCalled && $0.counter == counter }?.seq)
        }

        /// The announcement events logged for announcement `id`, once it finished (or after `limit`).
        func outcome(of id: Int64, within limit: Duration = .seconds(30)) async throws -> [QueueEvent] {
            let deadline = ContinuousClock.now + limit
            while true {
                let logged = try await store.events(after: 0, limit: 100_000).filter { $0.announcement?.id == id }
                if logged.contains(where: { $0.type == .announcementFinished && $0.announcement?.outcome != .interrupted })
                    || ContinuousClock.now > deadline { return logged }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        /// The audio of announcement `id` as the server renders it.
        func audio(of id: Int64, _ client: any TestClientProtocol) async throws -> [Int16] {
            try await client.execute(uri: "/api/announcements/\(id).wav", method: .get) { response in
                try WAVFile.read(Data(buffer: response.body)).samples
            }
        }
    }

    func withHall(_ body: (Hall) async throws -> Void) async throws {
        let daemon = try await PulseDaemon.start(sinks: ["zona_1", "zona_2"])
        defer { daemon.stop() }
        let output = Self.output(for: daemon)
        defer { output.shutdown() }
        let store = try SQLiteQueueStore(path: Fixtures.temporaryStorePath(), site: Self.site, clock: SystemClock())
        for _ in 0..<4 { _ = try await store.issue(service: "A", priority: false, by: .system) }
        let voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: nil)
        try await body(Hall(daemon: daemon, output: output, store: store, voice: voice))
    }

    @Test func aCallIsHeardInItsZoneOnlyAndIsTheRenderedAudio() async throws {
        try await withHall { hall in
            try await hall.run { client in
                let zone1 = try hall.daemon.record(sink: "zona_1")
                let zone2 = try hall.daemon.record(sink: "zona_2")
                let id = try await hall.callNext(client, counter: 1)
                let logged = try await hall.outcome(of: id)
                try await Task.sleep(for: .milliseconds(300))
                let heard = await zone1.stop(), elsewhere = await zone2.stop()
                #expect(logged.map(\.type) == [.announcementStarted, .announcementFinished])
                #expect(logged.last?.announcement == AnnouncementRecord(id: id, zone: "z1", outcome: .played))
                #expect(logged.allSatisfy { $0.counter == 1 && $0.ticket?.number == 1 })
                let reference = try await hall.audio(of: id, client)
                let match = try #require(AudioAnalysis.bestMatch(of: reference, in: heard))
                #expect(match.coefficient > 0.9, "the recording is the rendered call: \(match)")
                #expect(AudioAnalysis.peak(elsewhere) < Self.silence, "nothing on the other zone")
            }
        }
    }

    @Test func twoCallsCommittedTogetherPlayOneAfterTheOther() async throws {
        try await withHall { hall in
            try await hall.run { client in
                let zone1 = try hall.daemon.record(sink: "zona_1")
                async let first = hall.callNext(client, counter: 1)
                async let second = hall.callNext(client, counter: 2)
                let ids = try await [first, second].sorted()
                for id in ids { _ = try await hall.outcome(of: id) }
                try await Task.sleep(for: .milliseconds(300))
                let heard = await zone1.stop()
                let order = try await hall.store.events(after: 0, limit: 1_000).filter { $0.type.isAnnouncement }
                    .map { "\($0.type == .announcementStarted ? "start" : "end") \($0.announcement!.id)" }
                #expect(order == ["start \(ids[0])", "end \(ids[0])", "start \(ids[1])", "end \(ids[1])"], "in commit order")
                let one = try await hall.audio(of: ids[0], client), two = try await hall.audio(of: ids[1], client)
                let a = try #require(AudioAnalysis.bestMatch(of: one, in: heard))
                let b = try #require(AudioAnalysis.bestMatch(of: two, in: heard))
                #expect(a.coefficient > 0.9 && b.coefficient > 0.9, "\(a) \(b)")
                #expect(b.lag >= a.lag + one.count - 220, "the second starts after the first ends: \(a) \(b) \(one.count)")
            }
        }
    }

    @Test func afterTheDaemonIsKilledAndRestartedTheNextCallIsHeard() async throws {
        try await withHall { hall in
            try await hall.run { client in
                hall.daemon.kill()
                try await Task.sleep(for: .milliseconds(500))
                let health = try await client.send(.get, "/healthz")
                #expect((health["audio"] as? [String: Any])?["state"] as? String == "connecting")
                try await hall.daemon.restart()
                try await hall.waitForSpeakers(client)
                let zone1 = try hall.daemon.record(sink: "zona_1")
                let id = try await hall.callNext(client, counter: 2)
                let logged = try await hall.outcome(of: id)
                try await Task.sleep(for: .milliseconds(300))
                let heard = await zone1.stop()
                #expect(logged.last?.announcement?.outcome == .played)
                let match = try #require(AudioAnalysis.bestMatch(of: try await hall.audio(of: id, client), in: heard))
                #expect(match.coefficient > 0.9, "\(match)")
            }
        }
    }

    /// Reliability drill: the sound server dies while calls are being said and comes back a moment
    /// later. Nothing is lost silently: the call cut off and the calls waiting are said once it is
    /// back (they are still fresh), each with its failed attempt in the log.
    @Test func callsCaughtByADyingSoundServerAreSaidWhenItReturns() async throws {
        try await withHall { hall in
            try await hall.run { client in
                var calls: [Int64] = []
                for counter in [1, 2] { calls.append(try await hall.callNext(client, counter: counter)) }
                // The first call is playing; the second waits its turn in the same zone.
                let deadline = ContinuousClock.now + .seconds(10)
                while try await !hall.store.events(after: 0, limit: 1_000).contains(where: { $0.type == .announcementStarted }),
                      ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(500))
                hall.daemon.kill()
                calls.append(try await hall.callNext(client, counter: 3))          // made while the daemon is down
                try await Task.sleep(for: .seconds(1))
                try await hall.daemon.restart()
                try await hall.waitForSpeakers(client)
                // A failed attempt is logged and tried again; wait (loosely) for each call to be played.
                for id in calls {
                    let until = ContinuousClock.now + .seconds(60)
                    var logged: [QueueEvent] = []
                    while ContinuousClock.now < until {
                        logged = try await hall.store.events(after: 0, limit: 10_000).filter { $0.announcement?.id == id }
                        if logged.contains(where: { $0.announcement?.outcome == .played }) { break }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    let outcomes = logged.compactMap { $0.announcement?.outcome }
                    #expect(outcomes.filter { $0 == .played }.count == 1, "call \(id): \(outcomes)")
                }
                let first = try await hall.store.events(after: 0, limit: 10_000).filter { $0.announcement?.id == calls[0] }
                let broken = first.compactMap { $0.announcement?.outcome }.filter { $0 == .failed || $0 == .interrupted }
                #expect(!broken.isEmpty, "the attempt the cut broke is in the log")
            }
        }
    }

    /// Emergencies arrive with the broadcasts; the announcer already puts them first. A real stream is
    /// cut off and the call it interrupted is said again, whole, afterwards.
    @Test func anEmergencyCutsOffAPlayingCallWhichThenPlaysAgain() async throws {
        let daemon = try await PulseDaemon.start(sinks: ["zona_1"])
        defer { daemon.stop() }
        let output = Self.output(for: daemon)
        defer { output.shutdown() }
        let voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: nil)
        let call = try voice.render(ticket: TicketLabel(prefix: "A", number: 7), counter: Self.site.counter(1)!, recall: false).pcm
        let alarm = Self.alarm()
        let reports = Reports()
        let announcer = Announcer(output: output, speakers: ["z1": .init(sink: "zona_1")], report: { reports.add($0) })
        let running = Task { await announcer.run() }
        defer { running.cancel() }
        let recording = try daemon.record(sink: "zona_1")
        await output.waitUntilConnected()
        await announcer.enqueue(AnnouncementRequest(id: 1, zone: "z1", audio: call))
        #expect(await recording.wait(timeout: .seconds(10)) { AudioAnalysis.peak($0) > 1_000 }, "the call is playing")
        try await Task.sleep(for: .milliseconds(1_500))
        let raised = ContinuousClock.now
        await announcer.enqueue(AnnouncementRequest(id: 2, zone: "z1", urgency: .emergency, audio: alarm))
        #expect(await reports.wait(for: 6), "\(reports.lines)")
        try await Task.sleep(for: .milliseconds(300))
        let heard = await recording.stop()
        #expect(reports.lines == ["started 1", "interrupted 1", "started 2", "played 2", "started 1", "played 1"])
        let alarmHeard = try #require(AudioAnalysis.bestMatch(of: alarm.samples, in: heard))
        #expect(alarmHeard.coefficient > 0.9, "the alarm alone, not mixed with the call: \(alarmHeard)")
        let alarmArrived = try #require(recording.arrival(ofSample: alarmHeard.lag))
        let delay = alarmArrived - raised
        #expect(delay < .milliseconds(500), "pre-empted in \(delay) (target 200 ms; loose here on a shared machine)")
        let after = Array(heard[(alarmHeard.lag + alarm.samples.count)...])
        let again = try #require(AudioAnalysis.bestMatch(of: call.samples, in: after))
        #expect(again.coefficient > 0.9, "the whole call after the alarm: \(again)")
        print("emergency pre-emption: alarm heard \(delay) after it was raised")
    }

    /// A started output on `daemon`, logging only errors.
    static func output(for daemon: PulseDaemon) -> PulseOutput {
        var logger = Logger(label: "panggil-test-pulse")
        logger.logLevel = .error
        let output = PulseOutput(server: daemon.server, logger: logger)
        output.start()
        return output
    }

    /// Two-tone alarm with gaps, so that it has a shape to find in a recording.
    static func alarm() -> PCM {
        var pcm = PCM(sampleRate: 22_050)
        for (index, hertz) in [880.0, 660, 880, 660].enumerated() {
            if index > 0 { pcm.append(.silence(seconds: 0.07, sampleRate: 22_050)) }
            pcm.samples += (0..<5_500).map { sample in
                let edge = min(1, Double(sample) / 110, Double(5_500 - sample) / 110)
                return Int16(12_000 * edge * sin(2 * .pi * hertz * Double(sample) / 22_050))
            }
        }
        return pcm
    }
}

/// Announcer reports as lines, in order.
final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []

    func add(_ report: AnnouncerReport) {
        let line = switch report {
        case .started(let request): "started \(request.id)"
        case .finished(let request, let outcome, _): "\(outcome.rawValue) \(request.id)"
        }
        lock.withLock { kept.append(line) }
    }

    var lines: [String] { lock.withLock { kept } }

    func wait(for count: Int, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while lines.count < count, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return lines.count >= count
    }
}
