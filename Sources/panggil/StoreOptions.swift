import ArgumentParser
import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilStore
import PanggilVoice

/// Where the site file and the store are; shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Berkas situs (YAML). Tanpa ini: situs demo MPP Kota Tegal.")
    var config: String?

    @Option(name: .long, help: "Berkas basis data SQLite.")
    var db: String = "data/panggil.sqlite"

    /// The hall to work with: the file given, else the one this database was last used with (so that a
    /// command typed without `--config` agrees with the server), else the demo.
    func loadSite() throws -> LoadedSite {
        if let config {
            let text = try SiteFile.text(at: config)
            return LoadedSite(site: try SiteFile.parse(text, source: config), source: config, text: text)
        }
        if let remembered = SQLiteQueueStore.rememberedSiteFile(at: db) {
            let source = "\(remembered.source) (tersimpan di \(db))"
            return LoadedSite(site: try SiteFile.parse(remembered.text, source: source), source: source, text: nil)
        }
        return LoadedSite(site: SiteFile.demo(), source: "situs demo", text: nil)
    }

    func openStore(_ loaded: LoadedSite? = nil) async throws -> SQLiteQueueStore {
        let loaded = try loaded ?? loadSite()
        let store = try SQLiteQueueStore(path: db, site: loaded.site)
        if let text = loaded.text { try await store.rememberSiteFile(text, source: loaded.source) }
        return store
    }
}

struct LoadedSite {
    var site: Site
    /// Where it came from, for messages.
    var source: String
    /// The file's text when it was given now, to remember in the store.
    var text: String?
}

/// Who the event log should say did it: the operating-system user at the terminal.
var cliActor: EventActor {
    let environment = ProcessInfo.processInfo.environment
    if let user = environment["USER"] ?? environment["LOGNAME"] { return .cli(user) }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return .cli(String(cString: name)) }
    return .cli("uid\(getuid())")
}

/// Runs a store command, turning refusals into a readable message and a non-zero exit status:
/// 1 when the queue refused the step, 2 when the site file or the store could not be used.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as QueueError {
        printError("Ditolak (\(error.code.rawValue)): \(error.message)")
        throw ExitCode(1)
    } catch let error as SiteFileError {
        printError(error.description)
        throw ExitCode(2)
    } catch let error as VoicePackError {
        printError(error.description)
        throw ExitCode(2)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("Gagal: \(error)")
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

func parseTicket(_ text: String) throws -> TicketSelector {
    guard let selector = TicketSelector(parsing: text) else {
        throw ValidationError("Tiket '\(text)' tidak valid: pakai nomor (A-012) atau id (12).")
    }
    return selector
}
