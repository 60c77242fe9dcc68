import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PanggilCore
import PanggilStore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Reports over HTTP")
struct ReportsAPITests {
    /// A hall with a morning's work: four A tickets (one served, one absent), one B; a staff member
    /// and a supervisor signed in.
    func morning(retentionDays: Int = Site.defaultRetentionDays) async throws -> Harness {
        var site = Fixtures.smallSite
        site.enforceHours = false
        site.retentionDays = retentionDays
        let harness = try Harness(site: site, at: "2026-11-30 08:00")
        for (name, role, counters) in [("siti", Role.staff, [1]), ("sari", .supervisor, [])] {
            try await harness.authenticator.saveUser(User(name: name, role: role, counters: counters), password: "kata-sandi-\(name)", site: site)
            try await harness.store.access.startSession(tokenHash: Authenticator.tokenHash("session-\(name)"), user: name,
                                                        at: harness.clock.now(), expiresAt: .distantFuture)
        }
        let store = harness.store, clock = harness.clock, who = EventActor("user:siti")
        _ = try await store.setCounter(1, to: .open, by: who)
        for time in ["08:05", "08:10", "09:00", "09:20"] {
            clock.set(Fixtures.wib("2026-11-30 \(time)"))
            _ = try await store.issue(service: "A", priority: false, by: who)
        }
        _ = try await store.issue(service: "B", priority: false, by: who)
        clock.set(Fixtures.wib("2026-11-30 09:35"))
        let first = try await store.callNext(counter: 1, by: who)                 // waited 90 min
        _ = try await store.start(.id(first.id), by: who)
        clock.set(Fixtures.wib("2026-11-30 09:47"))
        _ = try await store.complete(.id(first.id), by: who)                      // 12 min
        let second = try await store.callNext(counter: 1, by: who)                // waited 97 min
        clock.set(Fixtures.wib("2026-11-30 09:50"))
        _ = try await store.noShow(.id(second.id), by: who)
        clock.set(Fixtures.wib("2026-11-30 10:00"))
        return harness
    }

    @Test func theDailyReportGivesEachServiceAgencyAndTheHall() async throws {
        let harness = try await morning()
        try await harness.run { client in
            let report = try await client.send(.get, "/api/reports/daily?date=2026-11-30")
            #expect(report.status == .ok)
            let services = try #require(report["services"] as? [[String: Any]])
            #expect(services.map { $0["code"] as? String } == ["A", "B", "P"])
            let a = services[0]
            #expect(a["issued"] as? Int == 4 && a["served"] as? Int == 1 && a["noShow"] as? Int == 1)
            let wait = try #require(a["waitMinutes"] as? [String: Any])
            #expect(wait["count"] as? Int == 2 && wait["median"] as? Double == 90 && wait["p90"] as? Double == 97 && wait["mean"] as? Double == 93.5)
            #expect((a["serviceMinutes"] as? [String: Any])?["mean"] as? Double == 12)
            #expect(a["busiestHour"] as? Int == 8 && (a["arrivalsByHour"] as? [Int])?[9] == 2)
            let hall = try #require(report["hall"] as? [String: Any])
            #expect(hall["issued"] as? Int == 5 && hall["busiestHour"] as? Int == 9)
            let agencies = try #require(report["agencies"] as? [[String: Any]])
            #expect(agencies.map { $0["issued"] as? Int } == [5, 0])
            let counters = try #require(report["counters"] as? [[String: Any]])
            #expect(counters.first?["openMinutes"] as? Double == 120, "open since 08.00, and it is 10.00")

            // The same as a spreadsheet.
            let csv = try await client.execute(uri: "/api/reports/daily.csv?date=2026-11-30", method: .get,
                                               headers: Credentials.admin.headers) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition]?.contains("laporan-harian-2026-11-30.csv") == true)
                return String(buffer: response.body)
            }
            let lines = csv.components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("jenis,kode,nama,instansi,diterbitkan,dilayani,tidak_hadir"))
            #expect(lines[1] == "layanan,A,KTP,dukcapil,4,1,1,0,0,93.5,90.0,97.0,12.0,12.0,12.0,08.00")
            #expect(lines.contains { $0.hasPrefix("total,,Semua layanan,,5,1,1,") })

            // Another day holds nothing of it.
            let other = try await client.send(.get, "/api/reports/daily?date=2026-11-29")
            #expect((other["hall"] as? [String: Any])?["issued"] as? Int == 0)
        }
    }

    @Test func theMonthlyReportHasADailyTrend() async throws {
        let harness = try await morning()
        try await harness.run { client in
            let report = try await client.send(.get, "/api/reports/monthly?month=2026-11")
            #expect(report.status == .ok)
            #expect(report["from"] as? String == "2026-11-01" && report["through"] as? String == "2026-11-30")
            let days = try #require(report["days"] as? [[String: Any]])
            #expect(days.count == 30)
            #expect(days.last?["issued"] as? Int == 5 && days.last?["waitMedianMinutes"] as? Double == 90)
            #expect(days.first?["issued"] as? Int == 0 && days.first?["waitMedianMinutes"] == nil)
            #expect((report["hall"] as? [String: Any])?["served"] as? Int == 1)
        }
    }

    @Test func onlyAdminsAndSupervisorsReadReportsAndBadDatesAreExplained() async throws {
        let harness = try await morning()
        try await harness.run { client in
            #expect(try await client.send(.get, "/api/reports/daily", as: .session("session-sari")).status == .ok)
            let staff = try await client.send(.get, "/api/reports/daily", as: .session("session-siti"))
            #expect(staff.status == .forbidden && staff.errorMessage?.contains("admin dan supervisor") == true)
            #expect(try await client.send(.get, "/api/reports/monthly.csv", as: .none).status == .unauthorized)
            for (uri, code) in [("/api/reports/daily?date=30-11-2026", "invalid_date"), ("/api/reports/daily.csv?date=kemarin", "invalid_date"),
                                ("/api/reports/monthly?month=2026-13", "invalid_month"), ("/api/reports/monthly?month=11", "invalid_month")] {
                let reply = try await client.send(.get, uri)
                #expect(reply.status == .badRequest && reply.errorCode == code, "\(uri)")
            }
        }
    }

    /// A month and a day later, with the site keeping 31 days: the morning is pruned, its report says
    /// so rather than showing an empty day, and the month it belonged to says where its data begins.
    @Test func daysPastTheRetentionArePrunedAndTheirReportsSaySo() async throws {
        let harness = try await morning()
        var site = harness.store.site
        site.retentionDays = 31
        let events = try await harness.store.events(after: 0, limit: 1000).count
        let retention = EventRetention(store: try SQLiteQueueStore(path: harness.store.path, site: site, clock: harness.clock),
                                       logger: Logger(label: "panggil-test"))
        // Two weeks on, the first half of November is past keeping: the morning stays, and November's
        // report says from when it counts.
        harness.clock.set(Fixtures.wib("2026-12-14 08:00"))
        #expect(retention.firstKeptDay == LocalDate(year: 2026, month: 11, day: 14))
        #expect(await retention.prune() == 0)
        try await harness.run { client in
            let november = try await client.send(.get, "/api/reports/monthly?month=2026-11")
            #expect(november.status == .ok && november["retainedSince"] as? String == "2026-11-14")
            #expect((november["hall"] as? [String: Any])?["issued"] as? Int == 5)
        }

        harness.clock.set(Fixtures.wib("2026-12-31 08:00"))
        #expect(retention.firstKeptDay == LocalDate(year: 2026, month: 12, day: 1))
        #expect(await retention.prune() == events - 1, "all but the newest event")
        #expect(await retention.prune() == 0)
        try await harness.run { client in
            let gone = try await client.send(.get, "/api/reports/daily?date=2026-11-30")
            #expect(gone.status == .gone && gone.errorCode == "report_pruned")
            #expect(gone.errorMessage?.contains("laporan tersedia mulai 2026-12-01") == true, "\(gone.errorMessage ?? "")")
            #expect(try await client.send(.get, "/api/reports/monthly.csv?month=2026-11").status == .gone)
            let december = try await client.send(.get, "/api/reports/monthly?month=2026-12")
            #expect(december.status == .ok && december["retainedSince"] == nil)
            let today = try await client.send(.get, "/api/reports/daily")
            #expect(today.status == .ok && today["retainedSince"] == nil)
        }
    }

    /// The running server prunes by itself, as it starts.
    @Test func theServerPrunesPastTheRetentionWhenItStarts() async throws {
        let harness = try await morning(retentionDays: 31)
        harness.clock.set(Fixtures.wib("2026-12-31 08:00"))
        try await harness.run(.live) { client in
            let deadline = ContinuousClock.now + .seconds(10)
            while try await harness.store.events(after: 0, limit: 100).count > 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await harness.store.events(after: 0, limit: 100).count == 1)
            #expect(try await client.send(.get, "/api/reports/daily?date=2026-11-30").status == .gone)
        }
    }

    @Test func csvFieldsWithCommasOrQuotesAreQuoted() {
        #expect(ReportJSON.field("KTP, KK") == "\"KTP, KK\"")
        #expect(ReportJSON.field("Layanan \"cepat\"") == "\"Layanan \"\"cepat\"\"\"")
        #expect(ReportJSON.field("Paspor") == "Paspor")
    }
}
