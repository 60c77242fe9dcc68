import ArgumentParser
import PanggilCore

struct Voice: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Paket suara: daftar klip yang dibutuhkan.", subcommands: [Words.self])

    struct Words: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mencetak setiap klip (nama<TAB>teks) yang dibutuhkan pengumuman, untuk membuat paket suara.")

        @Option(help: "Bahasa: id atau en.") var lang = "id"

        func validate() throws {
            guard supportedLanguages.contains(lang) else { throw ValidationError("Bahasa '\(lang)' tidak didukung (pilih: id, en).") }
        }

        func run() {
            for word in Vocabulary.words(language: lang) { print("\(word.clip)\t\(word.text)") }
        }
    }
}
