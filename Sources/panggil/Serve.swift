import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PanggilServer
import PanggilSiteFile

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Menjalankan server Panggil.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Alamat yang didengarkan.") var host = "0.0.0.0"
    @Option(help: "Port HTTP.") var port = 8080
    @Flag(help: "Terbitkan tiket di luar jam layanan (mis. layanan diperpanjang).") var ignoreHours = false

    func run() async throws {
        try await runReporting {
            var loaded = try store.loadSite()
            if ignoreHours { loaded.site.enforceHours = false }
            let site = loaded.site
            let queue = try await store.openStore(loaded)
            var logger = Logger(label: "panggil")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            let app = try await buildApplication(
                store: queue, configuration: ServerConfiguration(host: host, port: port), logger: logger)
            // Written straight to the descriptor: `print` is block-buffered into a file or journal and the
            // banner would come after the server's log.
            FileHandle.standardOutput.write(Data("""
                Panggil — \(site.name)
                  situs: \(loaded.source)
                  \(site.agencies.count) instansi, \(site.services.count) layanan, \(site.counters.count) loket, \(site.zones.count) zona
                  basis data: \(queue.path)
                  papan antrian: http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/api/board

                """.utf8))
            try await app.runService()
        }
    }
}
