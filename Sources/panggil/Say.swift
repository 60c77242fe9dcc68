import ArgumentParser
import Foundation
import Logging
import PanggilCore
import PanggilVoice

struct Say: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mengucapkan panggilan: mencetak kata-katanya, merendernya ke berkas WAV, atau memutarnya.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audio: AudioOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    @Option(help: "Nomor loket.") var counter: Int
    @Option(help: "Bahasa: id atau en. Tanpa ini: bahasa panggilan situs.") var lang: String?
    @Flag(help: "Panggilan ulang.") var recall = false
    @Flag(help: "Cetak kata-kata dan klipnya.") var print = false
    @Option(help: "Render ke berkas WAV.") var wav: String?
    @Flag(help: "Putar lewat PulseAudio.") var play = false
    @Option(help: "Sink PulseAudio untuk --play. Tanpa ini: sink bawaan.") var sink: String?

    func validate() throws {
        guard TicketLabel(parsing: ticket) != nil else { throw ValidationError("Tiket '\(ticket)' tidak valid (contoh: A-012).") }
        if let lang, !supportedLanguages.contains(lang) { throw ValidationError("Bahasa '\(lang)' tidak didukung (pilih: id, en).") }
        guard print || wav != nil || play else { throw ValidationError("Pilih --print, --wav BERKAS, atau --play.") }
    }

    func run() async throws {
        try await runReporting {
            var site = try store.loadSite().site
            if let lang { site.speech.languages = [lang] }
            guard let counter = site.counter(counter) else { throw QueueError.unknownCounter(counter) }
            let label = TicketLabel(parsing: ticket)!
            guard site.service(label.prefix) != nil else { throw QueueError.unknownService(label.prefix) }
            let voice = try await audio.loadVoice(for: site)
            if print {
                let sayings = voice.announcements(ticket: label, counter: counter, recall: recall)
                Swift.print(sayings.map(\.text).joined(separator: "\n"))
                Swift.print("klip: " + sayings.flatMap(\.clips).joined(separator: " "))
            }
            guard wav != nil || play else { return }
            let rendered = try voice.render(ticket: label, counter: counter, recall: recall)
            if let wav {
                try WAVFile.data(rendered.pcm).write(to: URL(fileURLWithPath: wav))
                Swift.print("\(wav): \(rendered.durationMs) ms")
            }
            if play { try await playAloud(rendered) }
        }
    }

    private func playAloud(_ rendered: RenderedAnnouncement) async throws {
        var logger = Logger(label: "panggil.say")
        logger.logLevel = .error
        let output = audio.pulseOutput(logger: logger)
        output.start()
        defer { output.shutdown() }
        // A short wait: a command at a terminal should say plainly that there is no sound server.
        let connected = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await output.waitUntilConnected(); return !Task.isCancelled }
            group.addTask { try? await Task.sleep(for: .seconds(5)); return false }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        guard connected, output.status.isConnected else {
            let reason = if case .connecting(let reason) = output.status { reason } else { "tidak tersambung" }
            throw SoundServerMissing(description: "PulseAudio tidak tersedia: \(reason)")
        }
        try await output.play(rendered.pcm, sink: sink, volume: 1)
        Swift.print("diputar: \(rendered.durationMs) ms di \(sink ?? "sink bawaan")")
    }
}

struct SoundServerMissing: Error, CustomStringConvertible {
    var description: String
}
