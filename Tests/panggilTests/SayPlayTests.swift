import Foundation
import PanggilTesting
import Testing

@Suite("panggil say --play")
struct SayPlayTests {
    @Test func aCallIsHeardOnTheDefaultSink() async throws {
        let daemon = try await PulseDaemon.start(sinks: ["zona_1"])
        defer { daemon.stop() }
        let directory = Fixtures.temporaryDirectory()
        let wav = directory.appendingPathComponent("call.wav")
        let rendered = try await panggil(["say", "--ticket", "B-007", "--counter", "5", "--wav", wav.path], in: directory)
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let recording = try daemon.record(sink: "zona_1")
        // No --sink: the sound server's default, the daemon's only sink.
        let played = try await panggil(["say", "--ticket", "B-007", "--counter", "5", "--play", "--pulse-server", daemon.server],
                                       in: directory)
        try await Task.sleep(for: .milliseconds(300))
        let heard = await recording.stop()
        #expect(played.status == 0, "\(played.stderr)")
        #expect(played.stdout.contains("diputar"))
        let reference = try WAV(Data(contentsOf: wav)).samples
        let match = try #require(AudioAnalysis.bestMatch(of: reference, in: heard))
        #expect(match.coefficient > 0.9, "the recording is the rendered call: \(match)")
    }

    @Test func withoutASoundServerItSaysSoAndFails() async throws {
        let directory = Fixtures.temporaryDirectory()
        let played = try await panggil(["say", "--ticket", "B-007", "--counter", "5", "--play",
                                        "--pulse-server", "unix:\(directory.path)/nothing-here"], in: directory)
        #expect(played.status == 2)
        #expect(played.stderr.contains("PulseAudio tidak tersedia"), "\(played.stderr)")
    }
}

@Suite("panggil serve and its loudspeakers")
struct ServeSpeakersTests {
    @Test func withoutPulseAudioTheServerStillServes() async throws {
        let directory = Fixtures.temporaryDirectory()
        let server = try await RunningServer(arguments: ["--pulse-server", "unix:\(directory.path)/no-daemon"], in: directory)
        defer { server.stop() }
        let health = try await server.get("/healthz")
        let audio = try #require(health["audio"] as? [String: Any])
        #expect(audio["state"] as? String == "connecting")
        #expect((audio["reason"] as? String)?.isEmpty == false)
        let board = try await server.get("/api/board")
        #expect(board["counters"] != nil)
    }

    @Test func aVoicePackMissingAClipStopsStartUpNamingIt() async throws {
        let directory = Fixtures.temporaryDirectory()
        let audio = directory.appendingPathComponent("audio")
        try FileManager.default.copyItem(at: Fixtures.audioDirectory, to: audio)
        try FileManager.default.removeItem(at: audio.appendingPathComponent("voices/id/sebelas.wav"))
        let refused = try await panggil(["serve", "--audio", audio.path, "--port", "0"], in: directory)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("Paket suara tidak lengkap") && refused.stderr.contains("'sebelas'")
                && refused.stderr.contains("sebelas.wav"), "\(refused.stderr)")
    }
}
