import Foundation
import PanggilCore
import Testing
@testable import PanggilVoice

@Suite("Voice packs and rendering")
struct RendererTests {
    static let audio = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("audio")

    let counter = Counter(number: 3, zone: "z", services: ["A"])

    @Test func aRenderedCallIsTheChimeAndTheClipsWithTheirGaps() throws {
        let pack = try VoicePack(directory: Self.audio.appendingPathComponent("voices/id"), language: "id")
        let chime = try WAVFile.read(Data(contentsOf: Self.audio.appendingPathComponent("chimes/ding-dong.wav")))
        let renderer = Renderer(pack: pack, chime: chime)
        let call = Announcement.call(ticket: TicketLabel(prefix: "A", number: 12), counter: counter, service: nil)
        let rendered = try renderer.render(call)
        #expect(rendered.parts.map(\.clip) == ["chime"] + call.clips)
        // 7 clips in 2 sentences: parts [nomor antrian] [A] [dua belas] / [silakan menuju loket tiga].
        let gaps = renderer.gaps
        let silence = gaps.afterChime + gaps.betweenSentences + 2 * gaps.betweenParts + 3 * gaps.betweenWords
        let sounds = rendered.parts.reduce(0) { $0 + $1.count }
        let expected = sounds + Int((silence * Double(VoicePack.sampleRate)).rounded())
        #expect(abs(rendered.pcm.samples.count - expected) <= 8, "\(rendered.pcm.samples.count) vs \(expected)")
        // Each clip sits where the renderer says, sample for sample.
        for part in rendered.parts where part.clip != "chime" {
            let clip = try #require(pack.clip(part.clip))
            #expect(Array(rendered.pcm.samples[part.start..<part.start + part.count]) == clip.samples)
        }
        #expect(rendered.durationMs > 2_000 && rendered.durationMs < 8_000)
    }

    @Test func wavRoundTripsAndResamples() throws {
        let tone = PCM(sampleRate: 44_100, samples: (0..<4410).map { Int16(10_000 * sin(Double($0) * 0.1)) })
        #expect(try WAVFile.read(WAVFile.data(tone)) == tone)
        let resampled = tone.resampled(to: 22_050)
        #expect(resampled.samples.count == 2205 && resampled.sampleRate == 22_050)
        let padded = PCM(sampleRate: 100, samples: [0, 0, 5_000, -5_000, 0])
        #expect(padded.trimmed().samples == [5_000, -5_000])
    }

    @Test func aPackMissingAClipNamesIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pack-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.audio.appendingPathComponent("voices/id"), to: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("belas.wav"))
        try Data("not a wav".utf8).write(to: directory.appendingPathComponent("tiga.wav"))
        let error = #expect(throws: VoicePackError.self) { try VoicePack(directory: directory, language: "id") }
        #expect(error?.problems.contains { $0.contains("'belas'") && $0.contains("belas.wav") } == true, "\(error?.problems ?? [])")
        #expect(error?.problems.contains { $0.contains("'tiga'") && $0.contains("bukan berkas WAV") } == true)
        #expect(throws: VoicePackError.self) { try VoicePack(directory: directory.appendingPathComponent("nowhere"), language: "id") }
    }
}
