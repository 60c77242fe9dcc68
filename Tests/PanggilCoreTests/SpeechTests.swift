import Testing
@testable import PanggilCore

@Suite("Spoken words")
struct SpeechTests {
    @Test(arguments: [
        (0, "nol"), (1, "satu"), (9, "sembilan"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"),
        (19, "sembilan belas"), (20, "dua puluh"), (21, "dua puluh satu"), (99, "sembilan puluh sembilan"),
        (100, "seratus"), (101, "seratus satu"), (110, "seratus sepuluh"), (111, "seratus sebelas"),
        (200, "dua ratus"), (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"),
        (1001, "seribu satu"), (1100, "seribu seratus"), (1111, "seribu seratus sebelas"),
        (2024, "dua ribu dua puluh empat"), (9999, "sembilan ribu sembilan ratus sembilan puluh sembilan"),
    ])
    func indonesianNumbers(n: Int, words: String) {
        #expect(NumberWords.indonesian(n).joined(separator: " ") == words)
    }

    /// Every number 0–9999, read back by an independent reader of the rules: the words give the number,
    /// *satu* never stands before *puluh*, *belas*, *ratus* or *ribu*, and *nol* only alone.
    @Test func everyNumberFollowsTheRules() {
        for n in NumberWords.range {
            let words = NumberWords.indonesian(n)
            #expect(Self.read(words) == n, "\(n): \(words)")
            for (a, b) in zip(words, words.dropFirst()) where a == "satu" {
                #expect(!["puluh", "belas", "ratus", "ribu"].contains(b), "\(n): \(words)")
            }
            #expect(n == 0 || !words.contains("nol"), "\(n): \(words)")
        }
    }

    /// A reader of Indonesian number words written for this test only.
    static func read(_ words: [String]) -> Int? {
        let units = ["nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9]
        let fixed = ["sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000]
        var total = 0, pending = 0
        for word in words {
            if let value = units[word] { pending += value }
            else if let value = fixed[word] { total += value }
            else if word == "belas" { total += pending + 10; pending = 0 }
            else if word == "puluh" { total += pending * 10; pending = 0 }
            else if word == "ratus" { total += pending * 100; pending = 0 }
            else if word == "ribu" { total += pending * 1000; pending = 0 }
            else { return nil }
        }
        return total + pending
    }

    @Test func englishNumbersAndDigits() {
        #expect(NumberWords.english(0) == ["zero"])
        #expect(NumberWords.english(12) == ["twelve"])
        #expect(NumberWords.english(2024) == ["two", "thousand", "twenty", "four"])
        #expect(NumberWords.english(111) == ["one", "hundred", "eleven"])
        #expect(NumberWords.digits(7) == ["nol", "nol", "tujuh"])
        #expect(NumberWords.digits(12, places: 3, language: "en") == ["zero", "one", "two"])
        #expect(NumberWords.digits(1234) == ["satu", "dua", "tiga", "empat"])
    }

    @Test func letterNames() {
        #expect(LetterNames.names(of: "A") == ["a"])
        #expect(LetterNames.names(of: "K") == ["ka"])
        #expect(LetterNames.names(of: "Q") == ["ki"])
        #expect(LetterNames.names(of: "V") == ["fe"])
        #expect(LetterNames.names(of: "X") == ["eks"])
        #expect(LetterNames.names(of: "Z") == ["zet"])
        #expect(LetterNames.names(of: "AB") == ["a", "be"])
        #expect(LetterNames.names(of: "W", language: "en") == ["double you"])
        #expect(Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ".map { LetterNames.names(of: String($0)).count }) == [1])
    }

    let counter = Counter(number: 3, zone: "z", services: ["A"])
    let service = Service(code: "A", name: "KTP Elektronik", spokenName: "ka te pe elektronik", agency: "x")

    @Test func theCallOfTheSpec() {
        let call = Announcement.call(ticket: TicketLabel(prefix: "A", number: 12), counter: counter, service: service)
        #expect(call.text == "Nomor antrian, A, dua belas. Silakan menuju loket tiga.")
        #expect(call.clips == ["nomor-antrian", "huruf-a", "dua", "belas", "silakan-menuju", "loket", "tiga"])
    }

    @Test func templateOptions() {
        let label = TicketLabel(prefix: "AB", number: 7)
        let recall = Announcement.call(ticket: label, counter: counter, service: service, recall: true)
        #expect(recall.text == "Panggilan ulang. Nomor antrian, A B, tujuh. Silakan menuju loket tiga.")
        #expect(recall.clips.prefix(4) == ["panggilan-ulang", "nomor-antrian", "huruf-a", "huruf-be"])

        let digits = Announcement.call(ticket: label, counter: counter, service: service, style: SpeechStyle(numbers: .digits))
        #expect(digits.text == "Nomor antrian, A B, nol nol tujuh. Silakan menuju loket tiga.")

        let withService = Announcement.call(ticket: label, counter: counter, service: service, style: SpeechStyle(sayService: true))
        #expect(withService.text == "Nomor antrian, A B, tujuh, ka te pe elektronik. Silakan menuju loket tiga.")
        #expect(withService.clips.contains("layanan-a"))

        let desk = Counter(number: 18, zone: "z", services: ["A"], destination: "meja")
        #expect(Announcement.call(ticket: label, counter: desk, service: nil).text
                == "Nomor antrian, A B, tujuh. Silakan menuju meja delapan belas.")

        let english = Announcement.call(ticket: TicketLabel(prefix: "A", number: 12), counter: desk, service: nil, language: "en")
        #expect(english.text == "Queue number, A, twelve. Please proceed to desk eighteen.")
    }
}
