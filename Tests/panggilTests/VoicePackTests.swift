import Foundation
import PanggilCore
import PanggilTesting
import Testing

/// The shipped voice packs hold every clip the announcements can ask for, as WAV the renderer reads.
@Suite("Shipped voice packs")
struct VoicePackTests {
    static let audio = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("audio")

    @Test(arguments: ["id", "en"])
    func everyClipIsThereAndAudible(language: String) throws {
        let directory = Self.audio.appendingPathComponent("voices/\(language)")
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))) as? [String: Any]
        let clips = manifest?["clips"] as? [String: [String: String]] ?? [:]
        for word in Vocabulary.words(language: language) {
            let file = try #require(clips[word.clip]?["file"], "\(language): no \(word.clip) in the manifest")
            let wav = try WAV(Data(contentsOf: directory.appendingPathComponent(file)))
            #expect(wav.sampleRate == 22_050 && wav.channels == 1 && wav.bitsPerSample == 16, "\(file)")
            #expect(wav.seconds > 0.1 && wav.seconds < 2, "\(file): \(wav.seconds) s")
            #expect(wav.peak > 3_000, "\(file) is nearly silent")
        }
    }

    @Test func sayPrintsAndRendersACall() async throws {
        let directory = Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("a012.wav")
        let said = try await panggil(["say", "--ticket", "A-012", "--counter", "3", "--print", "--wav", output.path,
                                      "--audio", Self.audio.path], in: directory)
        #expect(said.status == 0, "\(said.stderr)")
        #expect(said.stdout.contains("Nomor antrian, A, dua belas. Silakan menuju loket tiga."))
        let wav = try WAV(Data(contentsOf: output))
        #expect(wav.sampleRate == 22_050 && wav.seconds > 3 && wav.peak > 3_000)
        let english = try await panggil(["say", "--ticket", "B-7", "--counter", "18", "--lang", "en", "--print"], in: directory)
        #expect(english.stdout.contains("Queue number, B, seven. Please proceed to desk eighteen."), "\(english.stdout)")
        let missing = try await panggil(["say", "--ticket", "A-1", "--counter", "3", "--wav", output.path,
                                         "--audio", directory.path], in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("manifest"))
    }

    @Test func theChimeIsThere() throws {
        let wav = try WAV(Data(contentsOf: Self.audio.appendingPathComponent("chimes/ding-dong.wav")))
        #expect(wav.sampleRate == 22_050 && wav.seconds > 1 && wav.peak > 3_000)
    }
}

/// Just enough of a RIFF/WAVE reader to check the shipped files.
struct WAV {
    var sampleRate = 0, channels = 0, bitsPerSample = 0
    var samples: [Int16] = []

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count > 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
              String(decoding: bytes[8..<12], as: UTF8.self) == "WAVE" else { throw CocoaError(.fileReadCorruptFile) }
        var at = 12
        while at + 8 <= bytes.count {
            let id = String(decoding: bytes[at..<at + 4], as: UTF8.self)
            let size = u32(at + 4)
            let body = at + 8
            // A short or truncated file is a failed check, not a crash of the whole test process.
            guard size <= bytes.count - body else { throw CocoaError(.fileReadCorruptFile) }
            if id == "fmt " {
                guard size >= 16 else { throw CocoaError(.fileReadCorruptFile) }
                channels = u16(body + 2)
                sampleRate = u32(body + 4)
                bitsPerSample = u16(body + 14)
            } else if id == "data" {
                samples = stride(from: body, to: body + size - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
            }
            at = body + size + (size % 2)
        }
    }

    var seconds: Double { Double(samples.count) / Double(max(1, sampleRate * max(1, channels))) }
    var peak: Int { samples.map { abs(Int($0)) }.max() ?? 0 }
}
