import ArgumentParser
import Foundation
import PanggilStore

/// `panggil backup FILE`: a consistent copy of the store while the server runs, for the nightly
/// copy to a USB disk or another machine.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Menyalin basis data yang sedang dipakai ke berkas cadangan yang utuh dan konsisten.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Berkas cadangan yang dibuat, mis. /media/usb/panggil-2026-11-30.sqlite.") var file: String
    @Flag(help: "Timpa berkas cadangan yang sudah ada.") var force = false

    func run() async throws {
        try await runReporting {
            guard FileManager.default.fileExists(atPath: store.db) else {
                throw ValidationError("Basis data \(store.db) tidak ada; tidak ada yang dicadangkan.")
            }
            let target = URL(fileURLWithPath: file).standardizedFileURL
            guard target.path != URL(fileURLWithPath: store.db).standardizedFileURL.path else {
                throw ValidationError("Berkas cadangan tidak boleh sama dengan basis datanya.")
            }
            if FileManager.default.fileExists(atPath: target.path) {
                guard force else { throw ValidationError("Berkas \(file) sudah ada. Pilih nama lain, atau tambahkan --force untuk menimpanya.") }
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target.path + suffix) }
            }
            let opened = try await store.openStore()
            let (events, latest) = try await opened.backup(to: target.path)
            print("Cadangan tersimpan di \(target.path): \(events) peristiwa, yang terakhir #\(latest).")
        }
    }
}
