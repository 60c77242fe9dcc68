import ArgumentParser
import Foundation
import PanggilCore
import PanggilSiteFile

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Menampilkan keadaan antrian hari ini.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            let site = store.site
            let board = try await store.board(day: store.today())
            print("\(site.name) — \(board.day)")
            print("\nLoket:")
            for counter in site.counters {
                let view = board.counters[counter.number]!
                var line = "  \(counter.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(view.state.indonesianName)"
                if let ticket = view.ticket, let state = view.ticketState {
                    line += " — \(ticket.label) \(state.indonesianName)"
                }
                print(line)
            }
            print("\nAntrian:")
            for service in site.services {
                let queue = board.queues[service.code]!
                var line = "  \(service.code.padding(toLength: 3, withPad: " ", startingAt: 0)) "
                    + "\(service.name.padding(toLength: 28, withPad: " ", startingAt: 0)) menunggu \(queue.waiting.count)"
                if queue.priorityWaiting > 0 { line += " (prioritas \(queue.priorityWaiting))" }
                if let last = queue.lastCalled { line += ", terakhir dipanggil \(last.label)" }
                print(line)
            }
        }
    }
}

struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site", abstract: "Berkas situs: contoh dan pemeriksaan.",
        subcommands: [PrintDemo.self, Check.self])

    struct PrintDemo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo", abstract: "Mencetak berkas situs demo sebagai titik awal.")

        func run() {
            print(demoYAML, terminator: "")
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Memeriksa berkas situs tanpa menjalankan server.")
        @Argument(help: "Berkas situs (YAML).") var file: String

        func run() async throws {
            try await runReporting {
                let site = try SiteFile.load(path: file)
                print("Berkas situs \(file) valid: \(site.name), \(site.services.count) layanan, \(site.counters.count) loket.")
            }
        }
    }
}
