import Foundation
import Logging
import PanggilPulse
import PanggilTesting
import PanggilVoice
import Testing

/// `PulseOutput` against a real PulseAudio daemon with two null sinks, checked by recording their monitors.
/// Time limits are loose on purpose (every suite shares two cores); `scripts/bench voice` measures.
@Suite("PulseAudio playback")
struct PulseOutputTests {
    /// On zona_2, not the daemon's default sink (zona_1), so that a sink ignored would show.
    @Test func anAnnouncementIsHeardOnItsZoneAndNowhereElse() async throws {
        let call = try renderedLike()
        try await withPulse { daemon, output, _ in
            let zone1 = try daemon.record(sink: "zona_1")
            let zone2 = try daemon.record(sink: "zona_2")
            let started = ContinuousClock.now
            try await output.play(call, sink: "zona_2", volume: 1)
            let playing = ContinuousClock.now - started
            try await Task.sleep(for: .milliseconds(150))
            let heard = await zone2.stop()
            let elsewhere = await zone1.stop()

            let match = try #require(AudioAnalysis.bestMatch(of: call.samples, in: heard))
            #expect(match.coefficient >= 0.9, "\(match)")
            let gain = AudioAnalysis.rms(heard[match.lag..<match.lag + call.samples.count]) / AudioAnalysis.rms(call.samples)
            #expect(abs(gain - 1) < 0.15, "gain \(gain)")
            #expect(elsewhere.count > call.samples.count, "zona_1 was recorded for the whole call")
            #expect(AudioAnalysis.peak(elsewhere) <= silence, "zona_1 heard something: peak \(AudioAnalysis.peak(elsewhere))")
            // `play` returns once the call has been played, not once it has been handed over, and not
            // long after (how little the server buffers is checked in the next test).
            print("PulseOutput: play() of a \(call.seconds) s call returned after \(playing)")
            #expect(playing >= .seconds(call.seconds * 0.95), "play took \(playing) for \(call.seconds) s")
            #expect(playing < .seconds(call.seconds + 1), "play took \(playing) for \(call.seconds) s")
        }
    }

    /// What the server knows of a playing announcement: its role (for module-role-ducking), its name, its
    /// volume, a sink latency of tens of milliseconds rather than libpulse's default two seconds, and the
    /// call written ahead. (The recorders keep the null sinks at 10 ms whatever a stream asks.)
    @Test func theStreamIsAnAnnouncementWithASmallBuffer() async throws {
        try await withPulse { daemon, output, _ in
            let playing = Task { try await output.play(tones([(440, 3)]), sink: "zona_1", volume: 0.5) }
            defer { playing.cancel() }
            var listing = ""
            func microseconds(_ field: String) -> Int? {
                listing.split(separator: "\n").first { $0.contains(field) }
                    .flatMap { Int($0.split(separator: " ").dropFirst(2).first ?? "") }
            }
            // The sink input is listed as soon as the stream exists, a moment before the call is written.
            let listed = await eventually(within: .seconds(2)) {
                listing = (try? daemon.pactl(["list", "sink-inputs"])) ?? ""
                return (microseconds("Buffer Latency:") ?? 0) > 0
            }
            try #require(listed, "no sink input with audio while playing: \(listing)")
            #expect(listing.contains("media.role = \"announcement\""), "\(listing)")
            #expect(listing.contains("application.name = \"Panggil\""), "\(listing)")
            #expect(listing.contains("Sample Specification: s16le 1ch 22050Hz"), "\(listing)")
            #expect(listing.contains("-6.02 dB"), "volume 0.5 (linear) is -6.02 dB: \(listing)")
            // The whole call is written ahead (so a late write cannot put a gap into it); what decides
            // how soon it is heard is the sink's latency, which the stream's small target sets.
            let sink = try #require(microseconds("Sink Latency:"), "\(listing)")
            let buffered = try #require(microseconds("Buffer Latency:"), "\(listing)")
            print("PulseOutput: sink latency \(sink / 1000) ms; \(buffered / 1000) ms of the announcement written ahead")
            #expect(sink < 100_000, "\(listing)")
            #expect(buffered > 1_000_000, "the call is written ahead: \(listing)")
        }
    }

    @Test func twoCallsOnOneSinkFollowEachOtherWithoutOverlap() async throws {
        let first = tones([(523, 0.3), (659, 0.2), (784, 0.3)])
        let second = tones([(440, 0.2), (349, 0.35), (587, 0.25)], gap: 0.12)
        try await withPulse { daemon, output, _ in
            let recording = try daemon.record(sink: "zona_1")
            try await output.play(first, sink: "zona_1", volume: 1)
            let firstDone = ContinuousClock.now
            try await output.play(second, sink: "zona_1", volume: 1)
            try await Task.sleep(for: .milliseconds(150))
            let heard = await recording.stop()

            let one = try #require(AudioAnalysis.bestMatch(of: first.samples, in: heard))
            let two = try #require(AudioAnalysis.bestMatch(of: second.samples, in: heard))
            #expect(one.coefficient >= 0.9, "first: \(one)")
            #expect(two.coefficient >= 0.9, "second: \(two)")
            // In the recording the second starts after the first has ended: played at once, they would
            // overlap by most of their length. The allowance is for the monitor, which records a
            // stream's first and last few milliseconds (up to the sink's 10 ms latency) as silence when
            // the sink rewinds, and so can shift a match by that much.
            let end = one.lag + first.samples.count
            #expect(two.lag >= end - sampleRate * 15 / 1000, "the second call started \(end - two.lag) samples before the first ended")
            // And it follows at once: its first sound reaches the sink right after the first `play` returns.
            let lastOfFirst = try #require(AudioAnalysis.lastIndex(in: Array(heard[..<min(heard.count, end + sampleRate / 100)]), above: silence))
            let firstOfSecond = try #require(AudioAnalysis.firstIndex(in: heard, above: silence, from: lastOfFirst + 1))
            let followed = try #require(recording.arrival(ofSample: firstOfSecond)) - firstDone
            print("PulseOutput: second call reached the sink \(followed) after the first play() returned")
            #expect(followed < .seconds(1), "the second call was heard \(followed) after the first ended")
        }
    }

    @Test func cancellingStopsTheSoundAtOnce() async throws {
        let long = tones([(440, 6)])
        try await withPulse { daemon, output, _ in
            let recording = try daemon.record(sink: "zona_1")
            let playing = Task { try await output.play(long, sink: "zona_1", volume: 1) }
            let sounding = await eventually(within: .seconds(3)) {
                AudioAnalysis.firstIndex(in: recording.samples, above: silence) != nil
            }
            try #require(sounding, "the tone was never heard")
            try await Task.sleep(for: .milliseconds(300))
            let cancelled = ContinuousClock.now
            playing.cancel()
            let result = try #require(await within(.seconds(5)) { await playing.result }, "play() did not return")
            let returned = ContinuousClock.now - cancelled
            #expect(throws: CancellationError.self) { try result.get() }
            // Loose: the suite shares two cores; a tone not stopped would go on for five more seconds.
            #expect(returned < .milliseconds(2_500), "play returned \(returned) after the cancellation")

            try await Task.sleep(for: .milliseconds(400))
            let heard = await recording.stop()
            let start = try #require(AudioAnalysis.firstIndex(in: heard, above: silence))
            let end = try #require(AudioAnalysis.lastIndex(in: heard, above: silence))
            // When the piece holding the last sound reached parecord: after the sound itself stopped.
            let lastHeard = try #require(recording.arrival(ofSample: end))
            print("PulseOutput: cancel → last sound reached the sink's monitor \(lastHeard - cancelled) later")
            #expect(lastHeard - cancelled < .milliseconds(2_500), "sound went on \(lastHeard - cancelled) after the cancellation")
            // Not a vacuous pass: most of the tone was never played.
            #expect(end - start < long.samples.count - 3 * sampleRate, "played \(end - start) samples of a 6 s tone")
            #expect(heard.count - end > sampleRate / 4, "the recording went on, silent, after the sound")
            #expect(try daemon.pactl(["list", "short", "sink-inputs"]).isEmpty, "the cancelled stream is gone from the server")
        }
    }

    @Test func anUnknownSinkIsNamedAndTheConnectionStays() async throws {
        let beep = tones([(660, 0.15), (880, 0.15)])
        try await withPulse { daemon, output, _ in
            await #expect(throws: AudioOutputError.unknownSink("tidak_ada")) {
                try await output.play(beep, sink: "tidak_ada", volume: 1)
            }
            #expect(output.status == .connected)
            let recording = try daemon.record(sink: "zona_2")
            try await output.play(beep, sink: "zona_2", volume: 1)
            try await Task.sleep(for: .milliseconds(100))
            let heard = await recording.stop()
            let match = try #require(AudioAnalysis.bestMatch(of: beep.samples, in: heard))
            #expect(match.coefficient >= 0.9, "\(match)")
            #expect(try daemon.pactl(["list", "short", "sink-inputs"]).isEmpty, "no stream is left behind")
        }
    }

    @Test func theOutputReconnectsWhenTheDaemonComesBack() async throws {
        let long = tones([(500, 1), (700, 1)])
        let beep = tones([(660, 0.15), (880, 0.15)])
        try await withPulse { daemon, output, logs in
            let playing = Task { try await output.play(long, sink: "zona_1", volume: 1) }
            try await Task.sleep(for: .milliseconds(400))
            daemon.kill()
            let lost = try #require(await within(.seconds(5)) { await playing.result }, "play() did not return")
            #expect(throws: AudioOutputError.self) { try lost.get() }
            if case .failure(let error) = lost, case .disconnected = error as? AudioOutputError {} else {
                Issue.record("a play cut by the daemon's death should throw .disconnected, not \(lost)")
            }
            #expect(await eventually(within: .seconds(2)) { !output.status.isConnected }, "\(output.status)")
            let refused = ContinuousClock.now
            let error = await #expect(throws: AudioOutputError.self) {
                try await output.play(beep, sink: "zona_1", volume: 1)
            }
            if case .disconnected = error {} else { Issue.record("expected .disconnected, got \(String(describing: error))") }
            #expect(ContinuousClock.now - refused < .seconds(1))

            try await daemon.restart()
            let restarted = ContinuousClock.now
            try await waitUntilConnected(output, within: .seconds(15))
            print("PulseOutput: reconnected \(ContinuousClock.now - restarted) after the daemon came back")
            let recording = try daemon.record(sink: "zona_1")
            try await output.play(beep, sink: "zona_1", volume: 1)
            try await Task.sleep(for: .milliseconds(100))
            let heard = await recording.stop()
            let match = try #require(AudioAnalysis.bestMatch(of: beep.samples, in: heard))
            #expect(match.coefficient >= 0.9, "\(match)")

            // One context, not one per attempt left connected.
            let clients = try daemon.pactl(["list", "clients"])
            #expect(clients.components(separatedBy: "application.name = \"Panggil\"").count - 1 == 1, "\(clients)")

            let warnings = logs.entries(.warning)
            #expect(warnings.count == 1, "\(warnings)")
            #expect(warnings.first?.contains("PulseAudio terputus") == true, "\(warnings)")
            #expect(logs.entries(.notice).contains { $0.contains("tersambung lagi") }, "\(logs.entries)")
        }
    }

    @Test func shutdownEndsPlaybacksAndWaiters() async throws {
        try await withPulse { daemon, output, _ in
            let playing = Task { try await output.play(tones([(440, 3)]), sink: "zona_1", volume: 1) }
            let started = await eventually(within: .seconds(2)) {
                !((try? daemon.pactl(["list", "short", "sink-inputs"])) ?? "").isEmpty
            }
            try #require(started, "the stream never reached the server")
            output.shutdown()
            let ended = try #require(await within(.seconds(5)) { await playing.result }, "play() did not return")
            if case .failure(let error) = ended, case .disconnected = error as? AudioOutputError {} else {
                Issue.record("a play ended by shutdown should throw .disconnected, not \(ended)")
            }
            #expect(!output.status.isConnected)
            #expect(await within(.seconds(2)) { await output.waitUntilConnected() } != nil, "waitUntilConnected() after shutdown")
            await #expect(throws: AudioOutputError.self) { try await output.play(tones([(440, 0.1)]), sink: "zona_1", volume: 1) }
            #expect(await eventually(within: .seconds(2)) {
                !((try? daemon.pactl(["list", "clients"])) ?? "Panggil").contains("Panggil")
            }, "the client is gone from the server")
        }
    }

    @Test func withoutADaemonTheOutputWaitsQuietlyAndRefusesAtOnce() async throws {
        let logs = LogCapture()
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-pulse-\(UUID().uuidString)/native")
        let output = PulseOutput(server: "unix:\(nowhere.path)", logger: logs.logger)
        defer { output.shutdown() }

        let starting = ContinuousClock.now
        output.start()
        #expect(ContinuousClock.now - starting < .seconds(1))
        guard case .connecting(let reason) = output.status else {
            Issue.record("status \(output.status) without a daemon")
            return
        }
        print("PulseOutput: without a daemon: \(reason)")

        // Attempts at about 0, 0.25, 0.75 and 1.75 s: one warning for them all, the rest at debug level.
        try await Task.sleep(for: .milliseconds(2_300))
        let warnings = logs.entries(.warning)
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("PulseAudio tidak tersedia") == true, "\(warnings)")
        #expect(logs.entries(.debug).filter { $0.contains("masih tidak tersedia") }.count >= 3, "\(logs.entries)")
        #expect(!output.status.isConnected)

        let refused = ContinuousClock.now
        let error = await #expect(throws: AudioOutputError.self) {
            try await output.play(tones([(440, 0.1)]), sink: "zona_1", volume: 1)
        }
        if case .disconnected = error {} else { Issue.record("expected .disconnected, got \(String(describing: error))") }
        #expect(ContinuousClock.now - refused < .seconds(1))

        let waiting = Task { await output.waitUntilConnected() }
        try await Task.sleep(for: .milliseconds(50))
        let cancelled = ContinuousClock.now
        waiting.cancel()
        // Loose: the cancellation waits for the sound-server thread's lock, which a connection attempt
        // holds for a moment, longer on a crowded machine (2.04 s seen while the whole suite started).
        #expect(await within(.seconds(3)) { await waiting.value } != nil, "waitUntilConnected() went on after its task was cancelled")
        #expect(ContinuousClock.now - cancelled < .seconds(3))
    }

    @Test func latencyAndVolume() async throws {
        let beep = tones([(660, 0.1), (880, 0.1)], gap: 0.05)
        let call = tones([(523, 0.3), (659, 0.2), (784, 0.3)])
        try await withPulse { daemon, output, _ in
            let recording = try daemon.record(sink: "zona_1")
            var latencies: [Duration] = []
            for _ in 0..<5 {
                let before = recording.samples.count
                let called = ContinuousClock.now
                try await output.play(beep, sink: "zona_1", volume: 1)
                try await Task.sleep(for: .milliseconds(100))
                let first = try #require(AudioAnalysis.firstIndex(in: recording.samples, above: silence, from: before))
                latencies.append(try #require(recording.arrival(ofSample: first)) - called)
            }
            await recording.stop()
            let figures = latencies.map { "\(Int($0.milliseconds.rounded())) ms" }.joined(separator: ", ")
            // The time to reach the sink; a loudspeaker's sink adds its own latency (here the null sink's
            // 10 ms, which the monitor's data runs ahead of).
            print("PulseOutput: play() → first sound in the sink's monitor: \(figures)")
            #expect(latencies.max()! < .milliseconds(500), "\(figures)")

            func heardRMS(volume: Double) async throws -> Double {
                let recording = try daemon.record(sink: "zona_1")
                try await output.play(call, sink: "zona_1", volume: volume)
                try await Task.sleep(for: .milliseconds(100))
                let heard = await recording.stop()
                let match = try #require(AudioAnalysis.bestMatch(of: call.samples, in: heard))
                #expect(match.coefficient >= 0.9, "volume \(volume): \(match)")
                return AudioAnalysis.rms(heard[match.lag..<match.lag + call.samples.count])
            }
            let full = try await heardRMS(volume: 1)
            let half = try await heardRMS(volume: 0.5)
            print("PulseOutput: RMS at volume 1: \(full.rounded()), at 0.5: \(half.rounded()), ratio \(half / full)")
            #expect(abs(half / full - 0.5) < 0.05, "ratio \(half / full)")
        }
    }
}
