import ArgumentParser
import Foundation
import PanggilCore
import PanggilStore

struct Issue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Menerbitkan tiket untuk sebuah layanan.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Kode layanan (prefix tiket), mis. A.") var service: String
    @Flag(help: "Tiket prioritas (lansia, disabilitas, ibu hamil).") var priority = false

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            let ticket = try await store.issue(service: service, priority: priority, by: cliActor)
            let name = store.site.service(ticket.service)?.name ?? ticket.service
            print("Tiket \(ticket.label) — \(name)\(ticket.priority ? " (prioritas)" : "")")
            print("Kode tiket: \(ticket.publicCode)")
        }
    }
}

struct CallNext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call-next", abstract: "Memanggil tiket berikutnya ke sebuah loket.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Nomor loket.") var counter: Int

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            report(try await store.callNext(counter: counter, by: cliActor), site: store.site)
        }
    }
}

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Memanggil tiket tertentu ke sebuah loket.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Nomor loket.") var counter: Int
    @Option(help: "Tiket, mis. A-012.") var ticket: String

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            report(try await store.call(try parseTicket(ticket), counter: counter, by: cliActor), site: store.site)
        }
    }
}

/// A lifecycle step on one ticket: the same shape for recall, start, complete, no-show, requeue and cancel.
protocol TicketStep: AsyncParsableCommand {
    var store: StoreOptions { get }
    var ticket: String { get }
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket
}

extension TicketStep {
    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            report(try await perform(store, try parseTicket(ticket)), site: store.site)
        }
    }
}

struct Recall: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Memanggil ulang tiket yang sudah dipanggil.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.recall(ticket, by: cliActor)
    }
}

struct Start: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Mulai melayani tiket yang sudah dipanggil.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.start(ticket, by: cliActor)
    }
}

struct Complete: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Menyelesaikan layanan sebuah tiket.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.complete(ticket, by: cliActor)
    }
}

struct NoShow: TicketStep {
    static let configuration = CommandConfiguration(commandName: "no-show", abstract: "Menandai tiket tidak hadir.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.noShow(ticket, by: cliActor)
    }
}

struct Requeue: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Memasukkan lagi tiket yang tidak hadir ke antrian.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.requeue(ticket, by: cliActor)
    }
}

struct Cancel: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Membatalkan tiket yang masih menunggu.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.cancel(ticket, by: cliActor)
    }
}

struct Transfer: TicketStep {
    static let configuration = CommandConfiguration(abstract: "Mengalihkan tiket ke antrian layanan lain.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Tiket, mis. A-012.") var ticket: String
    @Option(help: "Kode layanan tujuan, mis. B.") var service: String
    func perform(_ store: SQLiteQueueStore, _ ticket: TicketSelector) async throws -> Ticket {
        try await store.transfer(ticket, to: service, by: cliActor)
    }
}

/// Opening, pausing and closing a counter share everything but the target state.
protocol CounterStateCommand: AsyncParsableCommand {
    static var target: CounterState { get }
    var store: StoreOptions { get }
    var counter: Int { get }
}

extension CounterStateCommand {
    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            let record = try await store.setCounter(counter, to: Self.target, by: cliActor)
            let name = store.site.counter(counter)?.name ?? "Loket \(counter)"
            print("\(name) sekarang \(record.state.indonesianName).")
        }
    }
}

struct OpenCounter: CounterStateCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "Membuka loket.")
    static let target = CounterState.open
    @OptionGroup var store: StoreOptions
    @Option(help: "Nomor loket.") var counter: Int
}

struct PauseCounter: CounterStateCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Loket istirahat.")
    static let target = CounterState.paused
    @OptionGroup var store: StoreOptions
    @Option(help: "Nomor loket.") var counter: Int
}

struct CloseCounter: CounterStateCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Menutup loket.")
    static let target = CounterState.closed
    @OptionGroup var store: StoreOptions
    @Option(help: "Nomor loket.") var counter: Int
}

/// `A-012 (KTP Elektronik): dipanggil ke Loket 3`.
func report(_ ticket: Ticket, site: Site) {
    let name = site.service(ticket.service)?.name ?? ticket.service
    var line = "\(ticket.label) (\(name)): \(ticket.state.indonesianName)"
    if let counter = ticket.counter.flatMap(site.counter) {
        line += ticket.state == .called ? " ke \(counter.name)" : " di \(counter.name)"
    }
    print(line)
}
