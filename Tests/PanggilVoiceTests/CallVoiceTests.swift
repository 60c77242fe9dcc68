import Foundation
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilVoice

/// Says every text as a 100 ms tone, so that tests know what a synthesised word is.
struct ToneSynthesizer: SpeechSynthesizer {
    func synthesize(_ text: String, language: String) throws -> PCM {
        PCM(sampleRate: 22_050, samples: (0..<2_205).map { Int16(8_000 * sin(Double($0) * 0.2)) })
    }
}

@Suite("A site's voice")
struct CallVoiceTests {
    var site = Fixtures.smallSite
    let label = TicketLabel(prefix: "A", number: 12)

    func copyOfAudio() throws -> URL {
        let directory = Fixtures.temporaryDirectory().appendingPathComponent("audio")
        try FileManager.default.copyItem(at: Fixtures.audioDirectory, to: directory)
        return directory
    }

    @Test func repeatsAndLanguagesFollowEachOtherAfterOneChime() async throws {
        let one = try await CallVoice(site: site, audio: Fixtures.audioDirectory, synthesizer: nil)
        var both = site
        both.speech.languages = ["id", "en"]
        both.speech.repeats = 2
        let twice = try await CallVoice(site: both, audio: Fixtures.audioDirectory, synthesizer: nil)
        let counter = site.counter(1)!
        let single = try one.render(ticket: label, counter: counter, recall: false)
        let full = try twice.render(ticket: label, counter: counter, recall: false)
        #expect(full.parts.filter { $0.clip == "chime" }.count == 1)
        let english = twice.announcements(ticket: label, counter: counter, recall: false)[1]
        #expect(english.text == "Queue number, A, twelve. Please proceed to counter one.")
        let clips = full.parts.map(\.clip)
        #expect(clips == single.parts.map(\.clip) + english.clips + single.parts.dropFirst().map(\.clip) + english.clips)
        // Each saying sits a fixed pause after the one before; the buffer ends with the last clip.
        let englishStart = try #require(full.parts.first { $0.clip == "queue-number" }).start
        let lastOfFirst = full.parts[single.parts.count - 1]
        #expect(englishStart - (lastOfFirst.start + lastOfFirst.count) == Int(CallVoice.pauseBetweenSayings * 22_050))
        let last = try #require(full.parts.last)
        #expect(full.pcm.samples.count == last.start + last.count)
    }

    @Test func serviceNamesComeFromTheSitesRecordingOrAreSynthesised() async throws {
        var site = site
        site.speech.style.sayService = true
        let synthesised = try await CallVoice(site: site, audio: Fixtures.audioDirectory, synthesizer: ToneSynthesizer())
        let rendered = try synthesised.render(ticket: label, counter: site.counter(1)!, recall: false)
        let part = try #require(rendered.parts.first { $0.clip == "layanan-a" })
        #expect((2_195...2_205).contains(part.count), "the tone, its quiet edges trimmed: \(part.count)")
        #expect(synthesised.announcements(ticket: label, counter: site.counter(1)!, recall: false)[0].text
            == "Nomor antrian, A, dua belas, KTP. Silakan menuju loket satu.")

        // Without a synthesiser every service needs a recording; each missing one is named.
        let error = await #expect(throws: VoicePackError.self) { try await CallVoice(site: site, audio: Fixtures.audioDirectory, synthesizer: nil) }
        #expect(Set(error?.problems.compactMap { $0.split(separator: "'").dropFirst().first.map(String.init) } ?? []) == ["layanan-a", "layanan-b", "layanan-p"])

        // A recording dropped into the pack wins over synthesis.
        let audio = try copyOfAudio()
        let recorded = PCM(sampleRate: 22_050, samples: Array(repeating: 3_000, count: 5_000))
        try WAVFile.data(recorded).write(to: audio.appendingPathComponent("voices/id/layanan-a.wav"))
        let manifestURL = audio.appendingPathComponent("voices/id/manifest.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        var clips = manifest["clips"] as! [String: Any]
        clips["layanan-a"] = ["file": "layanan-a.wav", "text": "ka te pe"]
        manifest["clips"] = clips
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        let withRecording = try await CallVoice(site: site, audio: audio, synthesizer: ToneSynthesizer())
        let again = try withRecording.render(ticket: label, counter: site.counter(1)!, recall: false)
        #expect(try #require(again.parts.first { $0.clip == "layanan-a" }).count == 5_000)
    }

    @Test func espeakSaysFreeText() async throws {
        let espeak = try #require(EspeakProgram(), "espeak-ng is installed by scripts/setup-debian")
        let speech = try await espeak.synthesize("Mohon perhatian. Gedung akan ditutup.", language: "id")
        #expect(speech.sampleRate == 22_050)
        #expect(speech.seconds > 1 && speech.seconds < 6, "\(speech.seconds) s")
        #expect(speech.samples.contains { abs(Int($0)) > 3_000 }, "not silent")
        // A text that looks like an option is still just text.
        #expect(try await espeak.synthesize("--version", language: "id").seconds > 0.3)
    }

    @Test func whatTheSiteNeedsButThePackLacksStopsStartUp() async throws {
        // A destination word no pack ships.
        var odd = site
        odd.counters[0].destination = "kamar"
        let error = await #expect(throws: VoicePackError.self) { try await CallVoice(site: odd, audio: Fixtures.audioDirectory, synthesizer: nil) }
        #expect(error?.problems.contains { $0.contains("'kamar'") } == true, "\(error?.problems ?? [])")

        // No chime.
        let audio = try copyOfAudio()
        try FileManager.default.removeItem(at: audio.appendingPathComponent("chimes/ding-dong.wav"))
        let noChime = await #expect(throws: VoicePackError.self) { try await CallVoice(site: site, audio: audio, synthesizer: nil) }
        #expect(noChime?.problems.contains { $0.contains("ding-dong.wav") } == true)

        // A language without a pack.
        var french = site
        french.speech.languages = ["id", "en"]
        try FileManager.default.removeItem(at: audio.appendingPathComponent("voices/en"))
        let noPack = await #expect(throws: VoicePackError.self) { try await CallVoice(site: french, audio: audio, synthesizer: nil) }
        #expect(noPack?.problems.contains { $0.contains("voices/en/manifest.json") } == true)
    }
}
