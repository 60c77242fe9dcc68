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

/// An emergency posted through the API, end to end: the displays of its zones get it over the stream,
/// the loudspeakers of its zones (null sinks of a real PulseAudio daemon, recorded from their monitors)
/// cut off the call playing, sound the alarm and the message, repeat it, and after its end say the
/// calls held back meanwhile. Every step is in the log.
@Suite("Emergency broadcasts through PulseAudio", .serialized)
struct EmergencyBroadcastTests {
    static let site = try! SiteFile.parse("""
        name: Hall Uji
        enforce_hours: false
        zones:
          - {id: z1, name: Lantai 1, sink: zona_1}
          - {id: z2, name: Lantai 2, sink: zona_2}
          - {id: z3, name: Lantai 3, sink: zona_3}
        agencies: [{id: x, name: X}]
        services: [{code: A, name: KTP, agency: x}]
        counters:
          - {number: 1, zone: z1, services: [A]}
          - {number: 2, zone: z1, services: [A]}
          - {number: 3, zone: z3, services: [A]}
        emergency:
          repeat_seconds: 5
          held_calls: play
          templates:
            - {id: uji, title: Uji, text: Harap keluar.}
        """)

    @Test func anEmergencyTakesItsZonesLoudspeakersAndScreensRepeatsAndGivesThemBack() async throws {
        let espeak = try #require(EspeakProgram(), "espeak-ng is installed by the test command")
        let daemon = try await PulseDaemon.start(sinks: ["zona_1", "zona_2", "zona_3"])
        defer { daemon.stop() }
        let output = SpokenCallTests.output(for: daemon)
        defer { output.shutdown() }
        let store = try SQLiteQueueStore(path: Fixtures.temporaryStorePath(), site: Self.site, clock: SystemClock())
        for _ in 0..<4 { _ = try await store.issue(service: "A", priority: false, by: .system) }
        let voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: espeak)
        let hall = SpokenCallTests.Hall(daemon: daemon, output: output, store: store, voice: voice)
        let alarm = Alarm.tone(sampleRate: VoicePack.sampleRate).samples

        /// Waits (loosely) until the emergency logged as `id` was said whole `count` times in `zone`.
        @Sendable func sayings(of id: Int64, in zone: String, atLeast count: Int) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let played = try await store.events(after: 0, limit: 10_000).filter {
                    $0.type == .announcementFinished && $0.announcement?.id == id && $0.announcement?.zone == zone
                        && $0.announcement?.outcome == .played
                }
                if played.count >= count { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }

        try await hall.run { client in
            let port = client.port!
            let screen1 = try StreamClient(port: port, path: "/api/events?zone=z1")
            let screen3 = try StreamClient(port: port, path: "/api/events?zone=z3")
            #expect(await screen1.wait { $0.contains("event: snapshot") })
            #expect(await screen3.wait { $0.contains("event: snapshot") })
            let zone1 = try daemon.record(sink: "zona_1")
            let zone2 = try daemon.record(sink: "zona_2")
            let zone3 = try daemon.record(sink: "zona_3")

            // A call is being said in zone 1 when the emergency comes.
            let cut = try await hall.callNext(client, counter: 1)
            #expect(await zone1.wait(timeout: .seconds(10)) { AudioAnalysis.peak($0) > 1_000 }, "the call is playing")
            try await Task.sleep(for: .milliseconds(800))
            let raised = ContinuousClock.now
            let posted = try await client.send(.post, "/api/broadcasts", #"{"template": "uji", "zones": ["z1", "z2"]}"#)
            #expect(posted.status == .created)
            let broadcastID = try #require(posted["id"] as? Int)

            let started = try #require(try await store.events(after: 0, limit: 10_000).first { $0.type == .broadcastStarted })
            #expect(started.broadcast?.id == Int64(broadcastID))
            // Its first saying in zone 1, whole.
            #expect(try await sayings(of: started.seq, in: "z1", atLeast: 1))
            let firstHeard = zone1.samples
            // The FFTs over seconds of audio run on a thread of their own (see `offloaded`).
            let heard1 = try #require(try await offloaded { AudioAnalysis.bestMatch(of: alarm, in: firstHeard) })
            #expect(heard1.coefficient > 0.9, "the alarm alone, not mixed with the call: \(heard1)")
            let arrived = try #require(zone1.arrival(ofSample: heard1.lag))
            let delay = arrived - raised
            print("emergency through the API: alarm heard in zone 1 \(delay) after the request was sent")
            // The target is 200 ms; loose here (a shared machine), measured properly by the benchmark.
            #expect(delay < .milliseconds(2_000), "pre-empted in \(delay)")

            // The displays of zone 1 show it.
            #expect(await screen1.wait { $0.contains("event: broadcast.started") })

            let health = try await client.send(.get, "/healthz")
            #expect((health["audio"] as? [String: Any])?["emergency"] as? [String] == ["zona_1", "zona_2"])
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(MetricsTests.sample(metrics, "panggil_emergency_sinks") == 2)
            #expect(MetricsTests.sample(metrics, "panggil_audio_connected") == 1)
            #expect((MetricsTests.sample(metrics, #"panggil_announcements_total{outcome="interrupted"}"#) ?? 0) >= 1)
            #expect((MetricsTests.sample(metrics, "panggil_announcement_latency_seconds_count") ?? 0) >= 1)

            // A call made during the emergency is held, not said over it; the emergency repeats.
            let held = try await hall.callNext(client, counter: 2)
            #expect(try await sayings(of: started.seq, in: "z1", atLeast: 2))
            #expect(try await sayings(of: started.seq, in: "z2", atLeast: 1))
            var logged = try await store.events(after: 0, limit: 10_000)
            #expect(!logged.contains { $0.type == .announcementStarted && $0.announcement?.id == held }, "held while the emergency lasts")

            let ended = try await client.send(.delete, "/api/broadcasts/\(broadcastID)")
            #expect(ended.status == .ok)
            #expect(await screen1.wait { $0.contains("event: broadcast.ended") })

            // Afterwards the call cut off and the call held are said, each once, in order.
            let cutOutcome = try await hall.outcome(of: cut)
            let heldOutcome = try await hall.outcome(of: held)
            #expect(cutOutcome.compactMap(\.announcement?.outcome) == [.interrupted, .played])
            #expect(heldOutcome.compactMap(\.announcement?.outcome) == [.played])
            try await Task.sleep(for: .milliseconds(300))
            let all1 = await zone1.stop(), all2 = await zone2.stop(), quiet = await zone3.stop()
            // The second saying begins within a repeat period and the message after the first alarm.
            let rest = Array(all1[(heard1.lag + alarm.count)...].prefix(12 * VoicePack.sampleRate))
            let second = try #require(try await offloaded { AudioAnalysis.bestMatch(of: alarm, in: rest) })
            #expect(second.coefficient > 0.9, "said again: \(second)")
            let gap = Double(second.lag + alarm.count) / Double(VoicePack.sampleRate)
            #expect(gap >= 4.5, "repeated after its period, not at once: \(gap) s")
            let start2 = Array(all2.prefix(12 * VoicePack.sampleRate))
            #expect((try await offloaded { AudioAnalysis.bestMatch(of: alarm, in: start2) }?.coefficient ?? 0) > 0.9, "heard in zone 2")
            #expect(AudioAnalysis.peak(quiet) < SpokenCallTests.silence, "nothing in zone 3")
            #expect(!String(decoding: screen3.body, as: UTF8.self).contains("event: broadcast."), "zone 3's screens are not told")

            // The log: the emergency's start and end by the admin, and each saying per zone.
            logged = try await store.events(after: 0, limit: 10_000)
            #expect(logged.filter { $0.type.isBroadcast }.map { "\($0.type.rawValue) \($0.actor.rawValue)" }
                    == ["broadcast.started user:admin", "broadcast.ended user:admin"])
            let said = logged.filter { $0.announcement?.id == started.seq && $0.type == .announcementFinished }
            #expect(said.filter { $0.announcement?.zone == "z1" && $0.announcement?.outcome == .played }.count >= 2)
            #expect(!said.contains { $0.announcement?.zone == "z3" })
        }
    }

    /// A notice posted with `spoken` is said once on its zones' loudspeakers, in turn with the calls, and
    /// a notice without it is not said at all.
    @Test func aSpokenNoticeIsSaidOnceInItsZones() async throws {
        let espeak = try #require(EspeakProgram(), "espeak-ng is installed by the test command")
        let daemon = try await PulseDaemon.start(sinks: ["zona_1", "zona_2", "zona_3"])
        defer { daemon.stop() }
        let output = SpokenCallTests.output(for: daemon)
        defer { output.shutdown() }
        let store = try SQLiteQueueStore(path: Fixtures.temporaryStorePath(), site: Self.site, clock: SystemClock())
        let voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: espeak)
        let hall = SpokenCallTests.Hall(daemon: daemon, output: output, store: store, voice: voice)
        try await hall.run { client in
            let zone3 = try daemon.record(sink: "zona_3")
            let zone1 = try daemon.record(sink: "zona_1")
            _ = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "Tanpa suara.", "zones": ["z3"]}"#)
            let spoken = try await client.send(.post, "/api/broadcasts",
                                               #"{"kind": "notice", "text": "Loket tiga buka pukul 13.00.", "zones": ["z3"], "spoken": true}"#)
            let id = Int64(try #require(spoken["startedEvent"] as? Int))
            let logged = try await hall.outcome(of: id)
            #expect(logged.map(\.type) == [.announcementStarted, .announcementFinished])
            #expect(logged.last?.announcement == AnnouncementRecord(id: id, zone: "z3", outcome: .played))
            try await Task.sleep(for: .milliseconds(300))
            let heard = await zone3.stop(), elsewhere = await zone1.stop()
            let reference = try await hall.audio(of: id, client)
            let match = try #require(try await offloaded { AudioAnalysis.bestMatch(of: reference, in: heard) })
            #expect(match.coefficient > 0.9, "the notice as rendered: \(match)")
            #expect(AudioAnalysis.peak(elsewhere) < SpokenCallTests.silence, "not in zone 1")
            let said = try await store.events(after: 0, limit: 1_000).filter { $0.type == .announcementFinished }
            #expect(said.count == 1, "the silent notice is not said")
        }
    }
}
