import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

/// The staff console and the kiosk in a real headless Chromium against a running server.
@Suite("Staff console and kiosk in Chromium", .serialized)
struct ConsoleBrowserTests {
    static var site: Site {
        var site = Fixtures.smallSite
        site.enforceHours = false
        return site
    }

    @Test func anOfficerSignsInAndCallsWithTheKeyboard() async throws {
        let harness = try Harness(site: Self.site)
        try await harness.authenticator.saveUser(User(name: "siti", role: .staff, counters: [1, 2]), password: "kata-sandi-siti", site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            for _ in 0..<3 { _ = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#) }
            let page = try await browser.open(width: 1366, height: 768)
            try await page.go("\(base)/staff?counter=1")
            #expect(try await page.wait(for: "document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null"))
            try await page.type("#login-name", "siti")
            try await page.type("#login-password", "salah-sekali")
            try await page.click("#login-submit")
            #expect(try await page.wait(for: "document.querySelector('#login-error').textContent.indexOf('salah') >= 0"))
            try await page.run("document.querySelector('#login-password').value = '';")
            try await page.type("#login-password", "kata-sandi-siti")
            try await page.click("#login-submit")
            #expect(try await page.wait(for: "document.querySelector('#console') && document.querySelector('#console').offsetParent !== null",
                                        timeout: .seconds(10)))
            #expect(try await page.wait(for: "document.querySelectorAll('#waiting .waiting-ticket').length === 3"))

            try await page.click("#btn-open")
            #expect(try await page.wait(for: "/Buka/.test(document.querySelector('#counter-state').textContent)"))
            try await page.press(Page.f1)
            #expect(try await page.wait(for: "document.querySelector('#current-number').textContent.trim() === 'A-001'"))
            let board = try await client.send(.get, "/api/board", as: .none)
            let counter1 = (board["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 1 }
            #expect((counter1?["ticket"] as? [String: Any])?["number"] as? String == "A-001", "the call reached the board")
            let events = try await harness.store.events(after: 0, limit: 100)
            #expect(events.last?.type == .ticketCalled && events.last?.actor.rawValue == "user:siti")

            try await page.click("#btn-start")
            #expect(try await page.wait(for: "!document.querySelector('#btn-complete').disabled"))
            try await page.click("#btn-complete")
            #expect(try await page.wait(for: "document.querySelector('#current-number').textContent.trim() === ''"))
            // A double click on "call next" calls one ticket, not two.
            try await page.doubleClick("#btn-call-next")
            #expect(try await page.wait(for: "document.querySelector('#current-number').textContent.trim() === 'A-002'"))
            try await Task.sleep(for: .milliseconds(800))
            let calls = try await page.run("""
                return window.StaffDebug.requests.filter(function (r) { return /call-next$/.test(r.path); }).length;
                """) as? Int
            #expect(calls == 2, "one call-next for F1, one for the double click")
            #expect(try await harness.store.events(after: 0, limit: 100).filter { $0.type == .ticketCalled }.count == 2)
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("staff.png"))
            await page.close()
        }
    }

    @Test func aCitizenTakesATicketAtTheKioskAndItsQRCodeOpensThePhonePage() async throws {
        let harness = try Harness(site: Self.site)
        let (_, token) = try await harness.authenticator.addDevice(name: "kios-1", kind: .kiosk)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let page = try await browser.open(width: 1080, height: 1920)
            try await page.go("\(base)/kiosk?token=\(token)")
            #expect(try await page.wait(for: "document.querySelector(\".agency[data-agency='dukcapil']\") !== null"))
            #expect(try await page.run("return location.search;") as? String == "", "the token leaves the address bar")
            try await page.click(".agency[data-agency='dukcapil']")
            #expect(try await page.wait(for: "document.querySelector(\".service[data-service='A']\") !== null"))
            try await page.click(".service[data-service='A']")
            #expect(try await page.wait(for: "document.querySelector('#priority-regular') !== null"))
            try await page.click("#priority-regular")
            #expect(try await page.wait(for: "document.querySelector('#ticket-number') && document.querySelector('#ticket-number').textContent.trim() === 'A-001'",
                                        timeout: .seconds(5)))
            #expect(try await page.wait(for: "document.querySelector('#ticket-qr').complete && document.querySelector('#ticket-qr').naturalWidth > 0"))
            #expect(try await page.run("return window.KioskDebug.printed;") as? Int ?? 0 >= 1)
            let ticket = try await harness.store.ticket(.label(TicketLabel(prefix: "A", number: 1)))
            #expect(try await harness.store.events(after: 0, limit: 10).first?.actor.rawValue == "device:kios-1")

            let shot = Screenshots.directory.appendingPathComponent("kiosk-ticket.png")
            try await page.screenshot(to: shot)
            let decoded = try await decodeQRCode(in: shot)
            #expect(decoded == "\(base)/t/\(ticket.publicCode)")
            await page.close()
        }
    }

    @Test func anAdminCreatesAKioskTokenAndRevokesIt() async throws {
        let harness = try Harness(site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let page = try await browser.open(width: 1366, height: 768)
            try await page.go("\(base)/admin")
            #expect(try await page.wait(for: "document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null"))
            try await page.type("#login-name", "admin")
            try await page.type("#login-password", "rahasia-admin")
            try await page.click("#login-submit")
            #expect(try await page.wait(for: "document.querySelector(\".user[data-user='admin']\") !== null", timeout: .seconds(10)))
            try await page.type("#device-name", "kios-2")
            try await page.click("#device-submit")
            #expect(try await page.wait(for: "document.querySelector('#device-token-value') && document.querySelector('#device-token-value').textContent.trim().length > 20"))
            let token = try #require(try await page.text("#device-token-value"))
            let issued = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#, as: .bearer(token))
            #expect(issued.status == .created)

            try await page.click("#device-token-close")
            try await page.click(".device[data-device='kios-2'] .btn-revoke")
            try await page.click(".device[data-device='kios-2'] .btn-confirm")
            #expect(try await page.wait(for: "/dicabut/i.test(document.querySelector(\".device[data-device='kios-2']\").textContent)"))
            let refused = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#, as: .bearer(token))
            #expect(refused.status == .unauthorized)
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("admin.png"))
            await page.close()
        }
    }

    /// The emergency procedure as an operator follows it: one button, a confirmation, and the hall's
    /// screens are covered; one more button and they are back.
    @Test func anAdminRaisesAnEmergencyWithOneButtonAndEndsIt() async throws {
        let harness = try Harness(site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let hall = try await browser.open(width: 1920, height: 1080)
            try await hall.go("\(base)/d/lobi")
            #expect(try await hall.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'online'", timeout: .seconds(10)))

            let admin = try await browser.open(width: 1366, height: 768)
            try await admin.go("\(base)/admin")
            #expect(try await admin.wait(for: "document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null"))
            try await admin.type("#login-name", "admin")
            try await admin.type("#login-password", "rahasia-admin")
            try await admin.click("#login-submit")
            #expect(try await admin.wait(for: "document.querySelector(\"#broadcast-templates [data-template='evakuasi']\") !== null", timeout: .seconds(10)))
            // The hall's TV is listed among the screens, by its profile's name.
            #expect(try await admin.wait(for: "document.querySelector(\"#screens tr[data-screen='lobi'] .state-on\") !== null"))
            #expect(try await admin.text("#screens tr[data-screen='lobi']")?.contains("Layar aula") == true)
            try await admin.click("#broadcast-templates [data-template='evakuasi']")
            #expect(try await admin.isVisible("#broadcast-confirm"))
            #expect(try await admin.text("#broadcast-confirm")?.contains("jalur evakuasi") == true, "the whole message is shown before it goes out")
            try await admin.click("#broadcast-confirm-zones input[data-zone='z1']")
            try await admin.screenshot(to: Screenshots.directory.appendingPathComponent("admin-emergency-confirm.png"))
            try await admin.click("#broadcast-confirm-send")

            #expect(try await hall.wait(for: "document.querySelector('#emergency-text').textContent.indexOf('jalur evakuasi') >= 0"))
            #expect(try await hall.isVisible("#emergency"))
            let covers = try await hall.run("""
                var r = document.querySelector('#emergency').getBoundingClientRect();
                return r.left <= 0 && r.top <= 0 && r.right >= window.innerWidth && r.bottom >= window.innerHeight;
                """) as? Bool
            #expect(covers == true, "the emergency covers the whole hall screen")
            #expect(try await hall.text("#emergency-text")?.contains("evacuation route") == true, "the English text follows")

            let logged = try await harness.store.events(after: 0, limit: 100).filter { $0.type == .broadcastStarted }
            #expect(logged.map(\.actor.rawValue) == ["user:admin"])
            #expect(logged.first?.broadcast?.zones == ["z1"] && logged.first?.broadcast?.kind == .emergency)

            #expect(try await admin.wait(for: "document.querySelector('#broadcast-list .broadcast .end-broadcast') !== null"))
            try await admin.click("#broadcast-list .broadcast .end-broadcast")
            #expect(try await hall.wait(for: "!document.querySelector('#emergency').offsetParent || document.querySelector('#emergency').hidden"))
            #expect(try await harness.store.board(day: harness.store.today()).broadcasts.isEmpty)
            try await admin.screenshot(to: Screenshots.directory.appendingPathComponent("admin-broadcasts.png"))
            await admin.close()
            await hall.close()
        }
    }

    /// The supervisor's report page draws the figures the API computed from the log.
    @Test func theReportsPageShowsTheDayInTablesAndCharts() async throws {
        let harness = try await ReportsAPITests().morning()
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let page = try await browser.open(width: 1366, height: 768)
            try await page.go("\(base)/admin/reports?date=2026-11-30")
            #expect(try await page.wait(for: "document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null"))
            try await page.type("#login-name", "sari")
            try await page.type("#login-password", "kata-sandi-sari")
            try await page.click("#login-submit")
            #expect(try await page.wait(for: "document.body.getAttribute('data-report') === 'ready'", timeout: .seconds(10)))
            #expect(try await page.text("#report-tiles [data-figure='issued'] .value") == "5")
            #expect(try await page.text("#report-tiles [data-figure='served'] .value") == "1")
            #expect(try await page.text("#report-tiles [data-figure='busiestHour'] .value") == "09.00–10.00")
            #expect(try await page.run("return document.querySelector(\"#chart-hours rect.bar[data-hour='9']\").getAttribute('data-value');") as? String == "3")
            #expect(try await page.text("#report-services tr[data-service='A'] td[data-figure='waitMedian']")?.contains("90") == true)
            #expect(try await page.run("return document.querySelector('#csv-daily').getAttribute('href');") as? String
                    == "/api/reports/daily.csv?date=2026-11-30")
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("reports.png"))
            await page.close()
        }
    }
}
