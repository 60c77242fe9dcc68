import Foundation
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilStore

/// Reports are folded from the log: a day made step by step on a known clock, and the figures it must give.
@Suite("Reports from the log")
struct ReportTests {
    @Test func aDayGivesItsCountsWaitsServiceTimesBusiestHourAndOpenTime() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let clock = ManualClock(Fixtures.wib("2026-11-30 08:00"))
        let store = try makeStore(site, clock: clock)
        func at(_ time: String) { clock.set(Fixtures.wib("2026-11-30 \(time)")) }
        func minutes(_ value: Double?) -> Double? { value.map { ($0 / 60 * 100).rounded() / 100 } }

        _ = try await store.setCounter(1, to: .open, by: staff)
        at("08:10"); let a1 = try await store.issue(service: "A", priority: false, by: staff)
        at("08:20"); let a2 = try await store.issue(service: "A", priority: false, by: staff)
        at("08:30"); #expect(try await store.callNext(counter: 1, by: staff).id == a1.id)          // waited 20 min
        at("08:31"); _ = try await store.start(.id(a1.id), by: staff)
        at("08:41"); _ = try await store.complete(.id(a1.id), by: staff)                            // served in 10 min
        at("08:45"); #expect(try await store.callNext(counter: 1, by: staff).id == a2.id)          // waited 25 min
        at("08:50"); _ = try await store.noShow(.id(a2.id), by: staff)
        at("09:05"); let a3 = try await store.issue(service: "A", priority: false, by: staff)
        at("09:10"); let b1 = try await store.issue(service: "B", priority: false, by: staff)
        at("09:15"); let a4 = try await store.issue(service: "A", priority: false, by: staff)
        at("09:20"); _ = try await store.cancel(.id(a4.id), by: staff)
        at("09:25"); #expect(try await store.callNext(counter: 1, by: staff).id == a3.id)          // waited 20 min in A
        at("09:26"); _ = try await store.transfer(.id(a3.id), to: "B", by: staff)
        at("09:30"); #expect(try await store.callNext(counter: 1, by: staff).id == b1.id)          // waited 20 min
        _ = try await store.start(.id(b1.id), by: staff)
        at("09:32"); _ = try await store.complete(.id(b1.id), by: staff)                            // 2 min
        at("09:40"); #expect(try await store.callNext(counter: 1, by: staff).id == a3.id)          // waited 14 min in B
        at("09:41"); _ = try await store.start(.id(a3.id), by: staff)
        at("09:49"); _ = try await store.complete(.id(a3.id), by: staff)                            // 8 min
        at("12:00"); _ = try await store.setCounter(1, to: .paused, by: staff)
        at("13:00"); _ = try await store.setCounter(1, to: .open, by: staff)

        let day = LocalDate(year: 2026, month: 11, day: 30)
        let events = try await store.events(from: day, through: day)
        let report = QueueReport(site: site, days: [day], events: events, now: Fixtures.wib("2026-11-30 14:00"))
        let a = try #require(report.services["A"]), b = try #require(report.services["B"])
        #expect((a.issued, a.served, a.noShow, a.cancelled, a.transferred) == (4, 1, 1, 1, 1))
        #expect(minutes(a.wait.mean) == 21.67 && minutes(a.wait.median) == 20 && minutes(a.wait.p90) == 25)
        #expect(a.serviceTimes == [600])
        #expect(a.busiestHour == 8, "two arrivals at 8 and two at 9: the earlier hour")
        #expect((b.issued, b.served, b.transferred) == (1, 2, 0), "the transferred ticket is served in B")
        #expect(b.waits == [1_200, 840] && b.serviceTimes == [120, 480])
        #expect(minutes(b.wait.median) == 14 && minutes(b.wait.p90) == 20)
        #expect(report.hall.issued == 5 && report.hall.served == 3 && report.hall.busiestHour == 9)
        #expect(report.agency("dukcapil", in: site).issued == 5 && report.agency("samsat", in: site).issued == 0)
        #expect(report.counterOpenSeconds[1] == 18_000.0, "08.00–12.00 and 13.00 until now (14.00)")
        // Looked at later, the day ends with its last event: the counter left open is not open all night.
        #expect(QueueReport(site: site, days: [day], events: events).counterOpenSeconds[1] == 14_400.0)
        // Another day's report holds none of it.
        let next = LocalDate(year: 2026, month: 12, day: 1)
        #expect(QueueReport(site: site, days: [next], events: events).hall.issued == 0)
    }

    /// A counter opened in the evening and never closed is not open all night, but it is open the next
    /// day from the day's first event until it is paused.
    @Test func aCounterLeftOpenOvernightCountsAgainFromTheNextDaysFirstEvent() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let clock = ManualClock(Fixtures.wib("2026-11-29 16:00"))
        let store = try makeStore(site, clock: clock)
        _ = try await store.setCounter(1, to: .open, by: staff)
        _ = try await store.setCounter(2, to: .open, by: staff)
        clock.set(Fixtures.wib("2026-11-29 17:00")); _ = try await store.setCounter(2, to: .closed, by: staff)
        clock.set(Fixtures.wib("2026-11-29 18:00")); _ = try await store.issue(service: "B", priority: false, by: staff)
        clock.set(Fixtures.wib("2026-11-30 08:00")); _ = try await store.issue(service: "B", priority: false, by: staff)
        clock.set(Fixtures.wib("2026-11-30 11:30")); _ = try await store.setCounter(1, to: .paused, by: staff)

        let monday = LocalDate(year: 2026, month: 11, day: 30), sunday = LocalDate(year: 2026, month: 11, day: 29)
        #expect(try await store.countersOpen(before: monday) == [1], "counter 2 was closed")
        #expect(try await store.countersOpen(before: sunday) == [])
        let day = QueueReport(site: site, days: [monday], events: try await store.events(from: monday, through: monday),
                              openAtStart: try await store.countersOpen(before: monday))
        #expect(day.counterOpenSeconds[1] == 12_600, "08.00–11.30")
        #expect(day.counterOpenSeconds[2] == 0)
        let both = QueueReport(site: site, days: [sunday, monday], events: try await store.events(from: sunday, through: monday))
        #expect(both.counterOpenSeconds[1] == 19_800.0, "16.00–18.00 on Sunday (7,200 s), 08.00–11.30 on Monday (12,600 s)")
    }

    @Test func percentilesAreWaitsSomeoneActuallyHad() {
        let summary = DurationSummary([60, 120, 180, 240, 300, 360, 420, 480, 540, 600])
        #expect(summary.median == 300 && summary.p90 == 540 && summary.mean == 330 && summary.count == 10)
        #expect(DurationSummary([]).median == nil)
        #expect(DurationSummary([42]).p90 == 42)
    }
}
