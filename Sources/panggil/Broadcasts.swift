import ArgumentParser
import Foundation
import PanggilCore

/// `panggil broadcast`: notices and emergencies from a shell, for when no browser is at hand (the
/// admin's laptop is where the fire is). They go into the log like any other; a running server sounds
/// and shows them within milliseconds.
struct BroadcastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broadcast", abstract: "Menyiarkan pengumuman atau peringatan darurat, dan mengakhirinya.",
        subcommands: [StartBroadcast.self, EndBroadcast.self, ListBroadcasts.self])
}

struct StartBroadcast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Memulai siaran: dari templat (--template evakuasi) atau teks sendiri (--kind dan --text).")

    @OptionGroup var store: StoreOptions
    @Option(help: "Templat siap pakai: evakuasi, gempa, listrik-padam, loket-tutup, atau dari berkas situs.") var template: String?
    @Option(help: "Isian templat NAMA=NILAI, mis. --param loket=3 (boleh berulang).") var param: [String] = []
    @Option(help: "notice (teks berjalan) atau emergency (menutup layar, diucapkan berulang).") var kind: String?
    @Option(help: "Teks bahasa Indonesia.") var text: String?
    @Option(name: .customLong("text-en"), help: "Teks bahasa Inggris (boleh kosong).") var textEn: String?
    @Option(help: "Zona yang dituju (boleh berulang); tanpa --zone: semua zona.") var zone: [String] = []
    @Option(help: "Lama siaran dalam menit; tanpa ini: sampai diakhiri.") var minutes: Int?
    @Flag(help: "Ucapkan pengumuman di pengeras suara (darurat selalu diucapkan).") var spoken = false

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            let kind = try self.kind.map { name in
                guard let kind = BroadcastKind(rawValue: name) else { throw ValidationError("--kind harus notice atau emergency, bukan '\(name)'.") }
                return kind
            }
            var draft: BroadcastDraft
            if let id = template {
                guard let found = store.site.emergency.template(id) else {
                    throw ValidationError("Templat '\(id)' tidak ada. Yang ada: \(store.site.emergency.templates.map(\.id).joined(separator: ", ")).")
                }
                var values: [String: String] = [:]
                for pair in param {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--param harus NAMA=NILAI, bukan '\(pair)'.") }
                    values[parts[0]] = parts[1]
                }
                draft = try found.draft(values, zones: zone, kind: kind, text: text, english: textEn)
            } else {
                // No default kind: an alarm typed without it must not quietly become a running line.
                guard let text, let kind else { throw ValidationError("Pilih --template, atau beri --kind (notice atau emergency) dan --text.") }
                draft = BroadcastDraft(kind: kind, text: text, english: textEn, zones: zone)
            }
            draft.spoken = spoken
            if let minutes {
                guard minutes > 0 else { throw ValidationError("--minutes harus lebih dari 0.") }
                draft.until = store.clock.now().addingTimeInterval(Double(minutes * 60))
            }
            let broadcast = try await store.startBroadcast(draft, by: cliActor)
            print("Siaran #\(broadcast.id) dimulai (\(broadcast.kind == .emergency ? "darurat" : "pengumuman"), "
                  + "\(broadcast.zones.isEmpty ? "semua zona" : broadcast.zones.joined(separator: ", "))): \(broadcast.text)")
            print("Akhiri dengan: panggil broadcast end \(broadcast.id)")
        }
    }
}

struct EndBroadcast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "end", abstract: "Mengakhiri siaran (atau membatalkan yang terjadwal).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Nomor siaran (lihat: panggil broadcast list).") var id: [Int64] = []
    @Flag(help: "Akhiri semua siaran yang aktif.") var all = false

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            var ids = id
            if all { ids += try await store.board(day: store.today()).broadcasts.map(\.id) }
            guard !ids.isEmpty else { throw ValidationError("Sebutkan nomor siaran, atau --all.") }
            // Every one is tried: one that ended by itself meanwhile must not leave an emergency on.
            var failures: [String] = []
            for id in ids {
                do {
                    let ended = try await store.endBroadcast(id, by: cliActor)
                    print("Siaran #\(ended.id) diakhiri: \(ended.text)")
                } catch let error as QueueError {
                    failures.append("#\(id): \(error.message)")
                }
            }
            if !failures.isEmpty { throw ValidationError("Tidak diakhiri: " + failures.joined(separator: "; ")) }
        }
    }
}

struct ListBroadcasts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Menampilkan siaran yang aktif dan terjadwal.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await runReporting {
            let store = try await store.openStore()
            let active = try await store.board(day: store.today()).broadcasts
            let later = try await store.scheduledBroadcasts()
            if active.isEmpty && later.isEmpty { print("Tidak ada siaran aktif atau terjadwal.") }
            // Local time the Indonesian way: 2026-11-30 14.05.
            func time(_ instant: Date) -> String {
                let moment = LocalMoment(instant, in: store.site.timeZone)
                return "\(moment.date) \(moment.time)"
            }
            for (broadcast, status) in active.map({ ($0, "aktif") }) + later.map({ ($0, "terjadwal \(time($0.startedAt))") }) {
                let kind = broadcast.kind == .emergency ? "DARURAT" : "pengumuman"
                let until = broadcast.until.map { ", sampai \(time($0))" } ?? ""
                print("#\(broadcast.id) \(kind), \(status)\(until), \(broadcast.zones.isEmpty ? "semua zona" : broadcast.zones.joined(separator: ", ")): \(broadcast.text)")
            }
        }
    }
}
