import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PanggilServer
import PanggilPulse
import PanggilSiteFile
import PanggilVoice

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Menjalankan server Panggil.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audio: AudioOptions
    @Option(help: "Alamat yang didengarkan.") var host = "0.0.0.0"
    @Option(help: "Port HTTP.") var port = 8080
    @Flag(help: "Terbitkan tiket di luar jam layanan (mis. layanan diperpanjang).") var ignoreHours = false
    @Flag(help: "Tanpa pengeras suara: panggilan tidak diumumkan oleh server ini.") var noSpeakers = false
    @Option(help: "Folder halaman tampilan. Tanpa ini: ./display-layouts, atau folder display-layouts di samping program.")
    var layouts: String?

    func run() async throws {
        try await runReporting {
            var loaded = try store.loadSite()
            if ignoreHours { loaded.site.enforceHours = false }
            let site = loaded.site
            // Before anything starts: a voice pack that cannot say every call stops the server here.
            let voice = try await audio.loadVoice(for: site)
            let queue = try await store.openStore(loaded)
            var logger = Logger(label: "panggil")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            var output: PulseOutput?
            if !noSpeakers {
                output = audio.pulseOutput(logger: logger)
                output?.start()
            }
            defer { output?.shutdown() }
            let pages = shippedFolder("display-layouts", given: layouts, marker: "shared/panggil.js")
            // A relative logo path in the site file means beside the site file.
            let logo = site.logo.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: loaded.source).deletingLastPathComponent()) }
            if let logo, !FileManager.default.fileExists(atPath: logo.path) {
                throw ValidationError("Logo situs \(logo.path) tidak ada (kunci logo di berkas situs).")
            }
            let authenticator = Authenticator(access: queue.access)
            let hasAdmin = try await queue.access.users().contains { $0.role == .admin }
            let app = try await buildApplication(
                store: queue, authenticator: authenticator, configuration: ServerConfiguration(host: host, port: port, layouts: pages, logo: logo),
                voice: voice, audio: output, logger: logger)
            let address = "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)"
            // Written straight to the descriptor: `print` is block-buffered into a file or journal and the
            // banner would come after the server's log.
            FileHandle.standardOutput.write(Data("""
                Panggil — \(site.name)
                  situs: \(loaded.source)
                  \(site.agencies.count) instansi, \(site.services.count) layanan, \(site.counters.count) loket, \(site.zones.count) zona
                  basis data: \(queue.path)
                  suara: \(site.spokenLanguages.joined(separator: ", ")) dari \(audio.audioDirectory.path)/voices; \(noSpeakers ? "pengeras suara tidak dipakai (--no-speakers)" : "pengeras suara lewat PulseAudio")
                  tampilan: \(address)/ (\(site.displays.map { "/d/\($0.name)" }.joined(separator: ", ")))
                  papan antrian: \(address)/api/board
                \(hasAdmin ? "" : """
                  Belum ada admin. Buat yang pertama (tidak ada kata sandi bawaan):
                    \(CommandLine.arguments[0]) user add --name admin --role admin\(store.db == "data/panggil.sqlite" ? "" : " --db \(store.db)")

                """)

                """.utf8))
            try await app.runService()
        }
    }
}
