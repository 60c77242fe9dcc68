import ArgumentParser
import Foundation
import PanggilCore
import PanggilServer
import PanggilStore

/// `panggil user add|list|remove`: the accounts that may act at counters, broadcast and manage others.
/// There is no default password: the first admin is made here.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Mengelola akun pengguna (admin, supervisor, petugas).",
        subcommands: [AddUser.self, ListUsers.self, RemoveUser.self])
}

struct AddUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Menambah pengguna, atau mengubah peran, loket dan kata sandinya.",
        discussion: "Kata sandi dibaca dari masukan standar (satu baris), tidak dari baris perintah.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Nama masuk: huruf kecil, angka, '.', '_' atau '-'.") var name: String
    @Option(help: "admin, supervisor, atau staff.") var role: String
    @Option(help: "Loket petugas, mis. 1,2 (wajib untuk staff).") var counters: String?

    func run() async throws {
        try await runReporting {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("Peran '\(role)' tidak dikenal (pilih: admin, supervisor, staff).")
            }
            var numbers: [Int] = []
            for text in (counters ?? "").split(separator: ",") {
                guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("Nomor loket '\(text)' tidak valid.")
                }
                numbers.append(number)
            }
            if isatty(0) != 0 { FileHandle.standardError.write(Data("Kata sandi untuk \(name): ".utf8)) }
            guard let password = readLine(strippingNewline: true), password.count >= 8 else {
                throw ValidationError("Kata sandi minimal 8 karakter, dibaca dari masukan standar.")
            }
            let loaded = try store.loadSite()
            let queue = try await store.openStore(loaded)
            let authenticator = Authenticator(access: queue.access)
            do {
                try await authenticator.saveUser(User(name: name, role: role, counters: numbers), password: password, site: loaded.site)
            } catch let error as AccessError {
                throw ValidationError(error.message)
            }
            let where_ = numbers.isEmpty ? "" : ", loket " + numbers.map(String.init).joined(separator: ", ")
            print("Pengguna \(name) (\(role.rawValue)\(where_)) disimpan.")
        }
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Daftar pengguna.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await runReporting {
            let queue = try await store.openStore()
            for user in try await queue.access.users() {
                print("\(user.name)\t\(user.role.rawValue)\t\(user.counters.map(String.init).joined(separator: ","))")
            }
        }
    }
}

struct RemoveUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Menghapus pengguna dan mengakhiri sesinya.")
    @OptionGroup var store: StoreOptions
    @Option var name: String

    func run() async throws {
        try await runReporting {
            let queue = try await store.openStore()
            guard try await queue.access.removeUser(named: name) else { throw ValidationError("Pengguna '\(name)' tidak ada.") }
            print("Pengguna \(name) dihapus.")
        }
    }
}
