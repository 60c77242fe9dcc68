import ArgumentParser
import Foundation

@main
struct Panggil: AsyncParsableCommand {
    static func main() async {
        // A helper program (espeak-ng) that exits before reading its input must surface as a write
        // error, not end the server with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "panggil",
        abstract: "Panggil: layar antrian dan panggilan suara untuk Mal Pelayanan Publik.",
        discussion: """
            `panggil serve` menjalankan server dengan situs demo dan basis data di ./data.
            Perintah lain bekerja pada basis data yang sama dari proses lain, juga saat server berjalan.
            """,
        subcommands: [
            Serve.self, Issue.self, CallNext.self, Call.self, Recall.self, Start.self, Complete.self, NoShow.self,
            Requeue.self, Transfer.self, Cancel.self, OpenCounter.self, PauseCounter.self, CloseCounter.self,
            Status.self, SiteCommand.self, Voice.self, Say.self, UserCommand.self, BroadcastCommand.self, Backup.self,
        ])
}
