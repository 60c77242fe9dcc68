import ArgumentParser

@main
struct Panggil: AsyncParsableCommand {
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
            Status.self, SiteCommand.self, Voice.self, Say.self,
        ])
}
