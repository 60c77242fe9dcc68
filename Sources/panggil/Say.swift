import ArgumentParser
import Foundation
import PanggilCore
import PanggilVoice

struct Say: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mengucapkan panggilan: mencetak kata-katanya atau merendernya ke berkas WAV.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    @Option(help: "Nomor loket.") var counter: Int
    @Option(help: "Bahasa: id atau en.") var lang = "id"
    @Flag(help: "Panggilan ulang.") var recall = false
    @Option(help: "Folder audio (paket suara dan bel).") var audio = "audio"
    @Flag(help: "Cetak kata-kata dan klipnya.") var print = false
    @Option(help: "Render ke berkas WAV.") var wav: String?

    func validate() throws {
        guard TicketLabel(parsing: ticket) != nil else { throw ValidationError("Tiket '\(ticket)' tidak valid (contoh: A-012).") }
        guard supportedLanguages.contains(lang) else { throw ValidationError("Bahasa '\(lang)' tidak didukung (pilih: id, en).") }
        guard print || wav != nil else { throw ValidationError("Pilih --print atau --wav BERKAS.") }
    }

    func run() async throws {
        try await runReporting {
            let site = try store.loadSite().site
            guard let counter = site.counter(counter) else { throw QueueError.unknownCounter(counter) }
            let label = TicketLabel(parsing: ticket)!
            let announcement = Announcement.call(ticket: label, counter: counter, service: site.service(label.prefix),
                                                 recall: recall, language: lang)
            if print {
                Swift.print(announcement.text)
                Swift.print("klip: " + announcement.clips.joined(separator: " "))
            }
            if let wav {
                let audio = URL(fileURLWithPath: audio)
                let pack = try VoicePack(directory: audio.appendingPathComponent("voices/\(lang)"), language: lang)
                let chime = try WAVFile.read(Data(contentsOf: audio.appendingPathComponent("chimes/ding-dong.wav")))
                let rendered = try Renderer(pack: pack, chime: chime).render(announcement)
                try WAVFile.data(rendered.pcm).write(to: URL(fileURLWithPath: wav))
                Swift.print("\(wav): \(rendered.durationMs) ms")
            }
        }
    }
}
