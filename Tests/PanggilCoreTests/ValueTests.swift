import Foundation
import Testing
@testable import PanggilCore

@Suite("Labels, hours and local days")
struct ValueTests {
    @Test(arguments: [("A-012", "A", 12), ("a12", "A", 12), ("AB 7", "AB", 7), ("B-1200", "B", 1200)])
    func labelsParse(text: String, prefix: String, number: Int) {
        #expect(TicketLabel(parsing: text) == TicketLabel(prefix: prefix, number: number))
    }

    @Test(arguments: ["", "A", "12A", "ABC-1", "A-0", "A-12x", "Ä-1", "A-1234567"])
    func badLabelsAreRefused(text: String) {
        #expect(TicketLabel(parsing: text) == nil)
    }

    @Test func labelsPrintWithThreeDigits() {
        #expect(TicketLabel(prefix: "A", number: 7).description == "A-007")
        #expect(TicketLabel(prefix: "AB", number: 1234).description == "AB-1234")
    }

    @Test func selectorsTellIdsFromLabels() {
        #expect(TicketSelector(parsing: "42") == .id(42))
        #expect(TicketSelector(parsing: "A-042") == .label(TicketLabel(prefix: "A", number: 42)))
        #expect(TicketSelector(parsing: "??") == nil)
    }

    @Test func timesReadWithColonOrDot() {
        #expect(TimeOfDay(parsing: "08.00") == TimeOfDay(hour: 8, minute: 0))
        #expect(TimeOfDay(parsing: "8:30") == TimeOfDay(hour: 8, minute: 30))
        #expect(TimeOfDay(parsing: "24.00")?.minutes == 1440)
        #expect(TimeOfDay(parsing: "25.00") == nil)
        #expect(TimeOfDay(parsing: "08.60") == nil)
        #expect(TimeRange(parsing: "15.00-08.00") == nil, "end before start")
        #expect(TimeRange(parsing: "08.00–15.00")?.description == "08.00–15.00")
    }

    @Test func hoursAreHalfOpenAndSummarised() {
        let morning = TimeRange(parsing: "08.00-11.00")!
        let afternoon = TimeRange(parsing: "13.00-15.00")!
        let full = TimeRange(parsing: "08.00-15.00")!
        let hours = WeeklyHours(days: [.senin: [full], .selasa: [full], .rabu: [full], .kamis: [full],
                                       .jumat: [morning, afternoon]])
        #expect(hours.isOpen(on: .senin, at: TimeOfDay(hour: 8, minute: 0)!))
        #expect(!hours.isOpen(on: .senin, at: TimeOfDay(hour: 15, minute: 0)!))
        #expect(!hours.isOpen(on: .jumat, at: TimeOfDay(hour: 12, minute: 0)!))
        #expect(!hours.isOpen(on: .minggu, at: TimeOfDay(hour: 9, minute: 0)!))
        #expect(hours.summary == "Senin–Kamis 08.00–15.00; Jumat 08.00–11.00, 13.00–15.00")
    }

    @Test func localDayChangesAtMidnightInTheSiteTimezone() {
        let wib = TimeZone(identifier: "Asia/Jakarta")!
        // 16:59:59 UTC is 23:59:59 WIB; one second later it is the next day in Jakarta but not in London.
        let beforeMidnight = Date(timeIntervalSince1970: 1_796_057_999)  // 2026-11-30 16:59:59 UTC
        #expect(LocalDate(beforeMidnight, in: wib) == LocalDate(year: 2026, month: 11, day: 30))
        #expect(LocalDate(beforeMidnight + 1, in: wib) == LocalDate(year: 2026, month: 12, day: 1))
        #expect(LocalDate(beforeMidnight + 1, in: TimeZone(identifier: "UTC")!) == LocalDate(year: 2026, month: 11, day: 30))
        let moment = LocalMoment(beforeMidnight + 1, in: wib)
        #expect(moment.weekday == .selasa && moment.time == TimeOfDay(hour: 0, minute: 0))
    }

    @Test func isoDatesRoundTripAndRejectNonsense() {
        #expect(LocalDate(iso: "2026-11-29")?.description == "2026-11-29")
        #expect(LocalDate(iso: "2026-02-29") == nil)
        #expect(LocalDate(iso: "2028-02-29")?.day == 29)
        #expect(LocalDate(iso: "2100-02-29") == nil)
        #expect(LocalDate(iso: "2000-02-29") != nil)
        #expect(LocalDate(iso: "2026-04-31") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "26-11-29") == nil)
    }

    @Test func weekdaysHaveIndonesianAndEnglishNames() {
        #expect(Weekday(name: "Jum'at") == .jumat)
        #expect(Weekday(name: "friday") == .jumat)
        #expect(Weekday(name: "ahad") == .minggu)
        #expect(Weekday(name: "funday") == nil)
        #expect(Weekday(gregorian: 1) == .minggu && Weekday(gregorian: 2) == .senin)
    }
}
