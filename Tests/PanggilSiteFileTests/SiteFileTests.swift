import Foundation
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilSiteFile

@Suite("Site file")
struct SiteFileTests {
    @Test func theDemoIsAFullHallOnThreeFloors() {
        let site = SiteFile.demo()
        #expect(site.agencies.count >= 10)
        #expect(site.services.count >= 15)
        #expect(site.counters.count >= 20)
        #expect(Set(site.counters.map(\.zone)).count == 3)
        #expect(site.timeZone.identifier == "Asia/Jakarta")
        #expect(site.languages == ["id", "en"])
        #expect(site.counters.contains { $0.destination == "meja" })
        #expect(site.service("A")?.dailyQuota == 150)
        #expect(site.display("lobi")?.layout == .hall && site.display("lobi")?.zone == "lantai-1")
    }

    @Test func theSmallFixtureReadsEveryField() throws {
        let site = try SiteFile.parse(Fixtures.smallSiteYAML)
        let a = try #require(site.service("A"))
        #expect(a.dailyQuota == 5 && a.agency == "dukcapil")
        #expect(a.hours?.summary == "Senin–Kamis 08.00–15.00; Jumat 08.00–11.00, 13.00–15.00")
        #expect(site.counter(3)?.name == "Meja 3")
        #expect(site.counter(3)?.services == ["B"])
        #expect(site.callPolicy == .priorityFirst)
        #expect(site.displays.map(\.name) == ["lobi", "lantai-2", "meja-3"])
        #expect(site.display("lantai-2") == Display(name: "lantai-2", layout: .portrait, zone: "z2", theme: .light, speaker: true))
        #expect(site.display("meja-3")?.counter == 3 && site.display("meja-3")?.theme == .dark)
    }

    @Test func speechSettingsAndZoneVolumeRead() throws {
        let yaml = Fixtures.smallSiteYAML
            .replacingOccurrences(of: "name: Hall Uji\n", with: "name: Hall Uji\nspeech: {numbers: digits, say_service: true, repeat: 2, max_age_seconds: 60}\n")
            .replacingOccurrences(of: "sink: z2}", with: "sink: z2, volume: 70}")
        let site = try SiteFile.parse(yaml)
        #expect(site.speech == SpeechSettings(style: SpeechStyle(numbers: .digits, sayService: true), repeats: 2, maxAgeSeconds: 60))
        #expect(site.zones.map(\.volume) == [100, 70])
        #expect(try SiteFile.parse(Fixtures.smallSiteYAML).speech == SpeechSettings())
    }

    @Test func interleavePolicyReads() throws {
        let yaml = Fixtures.smallSiteYAML.replacingOccurrences(of: "call_policy: priority_first", with: "call_policy: {interleave: 3}")
        #expect(try SiteFile.parse(yaml).callPolicy == .interleave(regularPerPriority: 3))
    }

    /// Each kind of mistake, and the field and words the installer must see.
    static let mistakes: [(name: String, from: String, to: String, field: String, says: String)] = [
        ("duplicate prefix", "{code: B, name: KK", "{code: A, name: KK", "services[1].code", "sudah dipakai"),
        ("counter serving an unknown service", "services: [A, B]}", "services: [A, X]}", "counters[0].services[1]", "'X' tidak ada"),
        ("bad time range", "\"08.00-15.00\"", "\"15.00-08.00\"", "services[0].hours.senin-kamis", "tidak valid"),
        ("impossible time", "\"08.00-15.00\"", "\"08.00-25.00\"", "services[0].hours.senin-kamis", "tidak valid"),
        ("unknown weekday", "senin-kamis:", "senen-kamis:", "services[0].hours.senen-kamis", "tidak dikenal"),
        ("overlapping hours", "[\"08.00-11.00\", \"13.00-15.00\"]", "[\"08.00-12.00\", \"11.00-15.00\"]", "services[0].hours.jumat", "bertumpang tindih"),
        ("unknown zone", "{number: 3, zone: z2", "{number: 3, zone: z9", "counters[2].zone", "'z9' tidak ada"),
        ("unknown agency", "agency: samsat}", "agency: polri}", "services[2].agency", "'polri' tidak ada"),
        ("duplicate counter number", "{number: 4,", "{number: 3,", "counters[3].number", "sudah dipakai"),
        ("bad prefix", "{code: P,", "{code: p1,", "services[2].code", "huruf kapital"),
        ("bad timezone", "timezone: Asia/Jakarta", "timezone: Asia/Tegal", "timezone", "tidak dikenal"),
        ("misspelt key", "daily_quota: 5", "daily_qouta: 5", "services[0].daily_qouta", "kunci tidak dikenal"),
        ("quota not a number", "daily_quota: 5", "daily_quota: lima", "services[0].daily_quota", "bilangan bulat"),
        ("zero quota", "daily_quota: 5", "daily_quota: 0", "services[0].daily_quota", "1 sampai 9999"),
        ("huge quota", "daily_quota: 5", "daily_quota: 99999999999999999", "services[0].daily_quota", "1 sampai 9999"),
        ("huge service time", "{code: B, name: KK,", "{code: B, name: KK, typical_minutes: 100000,", "services[1].typical_minutes", "1 sampai 480"),
        ("unknown policy", "call_policy: priority_first", "call_policy: random", "call_policy", "tidak dikenal"),
        ("unsupported language", "name: Hall Uji", "name: Hall Uji\nlanguages: [id, fr]", "languages[1]", "tidak didukung"),
        ("volume out of range", "sink: z2}", "sink: z2, volume: 130}", "zones[1].volume", "di luar 0–100"),
        ("unknown number style", "name: Hall Uji\n", "name: Hall Uji\nspeech: {numbers: roman}\n", "speech.numbers", "tidak dikenal"),
        ("too many repeats", "name: Hall Uji\n", "name: Hall Uji\nspeech: {repeat: 5}\n", "speech.repeat", "di luar 1–3"),
        ("misspelt speech key", "name: Hall Uji\n", "name: Hall Uji\nspeech: {say_servis: true}\n", "speech.say_servis", "kunci tidak dikenal"),
        ("service nobody serves", "services: [P]}", "services: [B]}", "services[2]", "tidak dilayani"),
        ("missing name", "name: Hall Uji\n", "", "name", "wajib"),
        ("unknown display layout", "layout: portrait", "layout: diagonal", "displays[1].layout", "tidak dikenal"),
        ("display in unknown zone", "{name: lobi, layout: hall, zone: z1}", "{name: lobi, layout: hall, zone: z7}", "displays[0].zone", "'z7' tidak ada"),
        ("duplicate display name", "{name: lantai-2,", "{name: lobi,", "displays[1].name", "sudah dipakai"),
        ("display name not a slug", "{name: lobi,", "{name: Lobi Utama,", "displays[0].name", "huruf kecil"),
        ("counter display without its counter", "layout: counter, counter: 3}", "layout: counter}", "displays[2].counter", "nomor loket"),
        ("counter display of unknown counter", "layout: counter, counter: 3}", "layout: counter, counter: 30}", "displays[2].counter", "tidak ada"),
        ("unknown theme", "theme: light", "theme: neon", "displays[1].theme", "tidak dikenal"),
        ("two speaker displays in one zone", "counter: 3}", "counter: 3, zone: z2, speaker: true}", "displays[2].speaker", "hanya satu per zona"),
        ("display of unknown service", "{name: lobi, layout: hall, zone: z1}", "{name: lobi, layout: hall, services: [Q]}", "displays[0].services[0]", "'Q' tidak ada"),
        ("break on an unknown day", "name: Hall Uji\n", "name: Hall Uji\nbreaks: [{name: Sholat, days: jumaat, time: \"11.30-13.00\"}]\n", "breaks[0].days[0]", "tidak dikenal"),
        ("break of unknown service", "name: Hall Uji\n", "name: Hall Uji\nbreaks: [{name: Sholat, days: jumat, time: \"11.30-13.00\", services: [Q]}]\n", "breaks[0].services[0]", "'Q' tidak ada"),
        ("break backwards", "name: Hall Uji\n", "name: Hall Uji\nbreaks: [{name: Sholat, days: jumat, time: \"13.00-11.30\"}]\n", "breaks[0].time", "tidak valid"),
        ("holiday date not a date", "name: Hall Uji\n", "name: Hall Uji\nholidays: [{date: 25-12-2026, name: Natal}]\n", "holidays[0].date", "TTTT-BB-HH"),
        ("holiday twice", "name: Hall Uji\n", "name: Hall Uji\nholidays: [{date: 2026-12-25, name: Natal}, {date: 2026-12-25, name: Natal}]\n", "holidays[1].date", "sudah disebut"),
        ("closing reminder out of range", "name: Hall Uji\n", "name: Hall Uji\nannouncements: {before_closing_minutes: 600}\n", "announcements.before_closing_minutes", "di luar 1–120"),
        ("unknown held-call rule", "name: Hall Uji\n", "name: Hall Uji\nemergency: {held_calls: keep}\n", "emergency.held_calls", "pilih: play, drop"),
        ("emergency repeating too fast", "name: Hall Uji\n", "name: Hall Uji\nemergency: {repeat_seconds: 1}\n", "emergency.repeat_seconds", "di luar 5–600"),
        ("template id not a slug", "name: Hall Uji\n", "name: Hall Uji\nemergency: {templates: [{id: Banjir Besar, title: Banjir, text: Awas banjir}]}\n", "emergency.templates[0].id", "huruf kecil"),
    ]

    @Test func scheduleAndEmergencySectionsRead() throws {
        let site = Fixtures.scheduledSite
        #expect(site.breaks.first == ScheduledBreak(name: "Istirahat sholat Jumat", days: [.jumat],
                                                   time: TimeRange(parsing: "11.30-13.00")!))
        #expect(site.breaks.last?.services == ["P"] && site.breaks.last?.announce == false)
        #expect(site.holidays == [Holiday(date: LocalDate(year: 2026, month: 12, day: 25), name: "Hari Raya Natal")])
        let custom = try SiteFile.parse(Fixtures.smallSiteYAML + """

            announcements: {before_closing_minutes: false}
            emergency:
              repeat_seconds: 20
              held_calls: drop
              templates:
                - {id: evakuasi, title: Evakuasi, text: Keluar lewat tangga timur.}
                - {id: banjir, title: Banjir, kind: notice, text: Lantai 1 tergenang., text_en: The ground floor is flooded.}
            """)
        #expect(custom.announcements.beforeClosingMinutes == nil)
        #expect(custom.emergency.repeatSeconds == 20 && custom.emergency.heldCalls == .drop)
        // The site's wording replaces the shipped one in its place; new ones come after.
        #expect(custom.emergency.templates.map(\.id) == ["evakuasi", "gempa", "listrik-padam", "loket-tutup", "banjir"])
        #expect(custom.emergency.template("evakuasi")?.text == "Keluar lewat tangga timur.")
        #expect(custom.emergency.template("banjir")?.kind == .notice)
    }

    @Test(arguments: mistakes.indices)
    func eachMistakeIsNamed(index: Int) throws {
        let mistake = Self.mistakes[index]
        #expect(Fixtures.smallSiteYAML.contains(mistake.from), "fixture must contain the text the case replaces")
        let yaml = Fixtures.smallSiteYAML.replacingOccurrences(of: mistake.from, with: mistake.to)
        let error = #expect(throws: SiteFileError.self, "\(mistake.name)") { try SiteFile.parse(yaml, source: "uji.yaml") }
        let problem = try #require(error?.problems.first { $0.field == mistake.field }, "\(mistake.name): \(error?.problems ?? [])")
        #expect(problem.message.contains(mistake.says), "\(mistake.name): \(problem.message)")
        #expect(error?.description.contains("uji.yaml") == true)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let yaml = Fixtures.smallSiteYAML
            .replacingOccurrences(of: "{code: B, name: KK", with: "{code: A, name: KK")
            .replacingOccurrences(of: "{number: 3, zone: z2", with: "{number: 3, zone: z9")
        let error = #expect(throws: SiteFileError.self) { try SiteFile.parse(yaml) }
        #expect((error?.problems.count ?? 0) >= 2)
    }

    @Test func brokenYAMLIsReported() {
        let error = #expect(throws: SiteFileError.self) { try SiteFile.parse("name: [unclosed") }
        #expect(error?.problems.first?.field == "(yaml)")
        #expect(throws: SiteFileError.self) { try SiteFile.parse("") }
        #expect(throws: SiteFileError.self) { try SiteFile.parse("- just\n- a list") }
    }

    @Test func aMissingFileIsReported() {
        let error = #expect(throws: SiteFileError.self) { try SiteFile.load(path: "/nonexistent/situs.yaml") }
        #expect(error?.description.contains("/nonexistent/situs.yaml") == true)
    }
}
