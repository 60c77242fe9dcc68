import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import PanggilVoice
import Testing
@testable import PanggilServer

/// The public pages in a real headless Chromium against a running server: every call, step and
/// broadcast made through the API must show on the page.
@Suite("Display pages in Chromium", .serialized)
struct DisplayBrowserTests {
    static var site: Site {
        var site = Fixtures.smallSite
        site.enforceHours = false
        return site
    }

    /// Text contrast of each element against the first opaque background behind it (WCAG formula).
    static let contrastScript = """
        function channel(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
        function luminance(c) { var m = c.match(/[\\d.]+/g).map(Number);
            return 0.2126 * channel(m[0]) + 0.7152 * channel(m[1]) + 0.0722 * channel(m[2]); }
        function background(e) { while (e) { var c = getComputedStyle(e).backgroundColor, m = c.match(/[\\d.]+/g);
            if (m && (m.length < 4 || Number(m[3]) > 0.99)) return c; e = e.parentElement; } return 'rgb(255, 255, 255)'; }
        return arguments[0].map(function (selector) {
            var e = document.querySelector(selector);
            if (!e || !e.textContent.trim()) return [selector, null];
            var f = luminance(getComputedStyle(e).color), b = luminance(background(e));
            return [selector, (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05)];
        });
        """

    static func contrasts(_ page: Page, _ selectors: [String]) async throws -> [(String, Double?)] {
        let pairs = try await page.run(contrastScript, [selectors]) as? [[Any]] ?? []
        return pairs.map { ($0[0] as? String ?? "?", $0[1] as? Double) }
    }

    static func online(_ page: Page) async throws -> Bool {
        try await page.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'online'", timeout: .seconds(10))
    }

    @Test func theHallFollowsCallsStepsCountersAndBroadcasts() async throws {
        let harness = try Harness(site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            for service in ["A", "A", "B"] { _ = try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#) }
            _ = try await client.send(.post, "/api/counters/1/open")
            _ = try await client.send(.post, "/api/counters/2/open")
            let page = try await browser.open(width: 1920, height: 1080)
            try await page.go("\(base)/d/lobi")
            #expect(try await Self.online(page))
            #expect(try await page.text(".service[data-service='A'] .service-waiting") == "2")

            _ = try await client.send(.post, "/api/counters/1/call-next")
            #expect(try await page.wait(for: "document.querySelector('#latest-number').textContent.trim() === 'A-001'", timeout: .seconds(2)))
            #expect(try await page.text("#latest-counter") == "Loket 1")
            #expect(try await page.run("return document.querySelector('#latest').classList.contains('highlight');") as? Bool == true)
            #expect(try await page.text(".counter[data-counter='1'] .counter-ticket") == "A-001")
            #expect(try await page.wait(for: "document.querySelector(\".service[data-service='A'] .service-waiting\").textContent.trim() === '1'"))

            // The number is at least 12% of the screen's height, and readable while highlighted.
            let share = try await page.run("return document.querySelector('#latest-number').getBoundingClientRect().height / window.innerHeight;") as? Double ?? 0
            #expect(share >= 0.12, "latest number is \(share) of the screen height")

            _ = try await client.send(.post, "/api/tickets/A-001/recall")
            #expect(try await page.wait(for: "window.PanggilDebug.shown.length === 2"))
            _ = try await client.send(.post, "/api/tickets/A-001/start")
            _ = try await client.send(.post, "/api/tickets/A-001/complete")
            #expect(try await page.wait(for: "document.querySelector(\".counter[data-counter='1'] .counter-ticket\").textContent.trim() === ''"))

            _ = try await client.send(.post, "/api/counters/2/pause")
            #expect(try await page.wait(for: "document.querySelector(\".counter[data-counter='2']\").getAttribute('data-state') === 'paused'"))
            #expect(try await page.text(".counter[data-counter='2'] .counter-state") == "Istirahat")

            _ = try await client.send(.post, "/api/counters/1/call-next")
            #expect(try await page.wait(for: "document.querySelector('#latest-number').textContent.trim() === 'A-002'"))
            _ = try await client.send(.post, "/api/tickets/A-002/transfer", #"{"service": "B"}"#)
            #expect(try await page.wait(for: "document.querySelector(\".counter[data-counter='1'] .counter-ticket\").textContent.trim() === ''"))
            #expect(try await page.wait(for: "document.querySelector(\".service[data-service='B'] .service-waiting\").textContent.trim() === '2'"))

            _ = try await client.send(.post, "/api/broadcasts", #"{"kind": "notice", "text": "Layanan KTP istirahat pukul 12.00"}"#)
            #expect(try await page.wait(for: "document.querySelector('#ticker').textContent.indexOf('Layanan KTP istirahat pukul 12.00') >= 0"))
            let emergency = try await client.send(.post, "/api/broadcasts",
                                                  #"{"kind": "emergency", "text": "Gempa bumi. Tetap tenang.", "zones": ["z1"]}"#)
            #expect(try await page.wait(for: "document.querySelector('#emergency-text').textContent.indexOf('Gempa bumi') >= 0"))
            #expect(try await page.isVisible("#emergency"))
            let covers = try await page.run("""
                var r = document.querySelector('#emergency').getBoundingClientRect();
                return r.left <= 0 && r.top <= 0 && r.right >= window.innerWidth && r.bottom >= window.innerHeight;
                """) as? Bool
            #expect(covers == true, "the emergency covers the whole screen")
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("hall-emergency.png"))
            _ = try await client.send(.delete, "/api/broadcasts/\(emergency["id"] as? Int ?? 0)")
            #expect(try await page.wait(for: "!document.querySelector('#emergency').offsetParent || document.querySelector('#emergency').hidden"))
            #expect(try await !page.isVisible("#emergency"))

            #expect(try await page.wait(for: "!document.querySelector('#latest').classList.contains('highlight')", timeout: .seconds(15)))
            for (selector, ratio) in try await Self.contrasts(page, ["#latest-number", "#latest-counter", "#clock", "#date", "#ticker",
                                                                     ".counter[data-counter='2'] .counter-state"]) {
                #expect((ratio ?? 0) >= 7, "contrast of \(selector) is \(ratio ?? 0)")
            }
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("hall.png"))
            await page.close()
        }
    }

    @Test func thePortraitScreenSpeaksItsZonesCallsInOrder() async throws {
        var harness = try Harness(site: Self.site)
        harness.voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: nil)
        let store = harness.store
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            for service in ["B", "P"] { _ = try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#) }
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/4/open")
            // `lantai-2` is zone z2's speaker display, in the light theme.
            let page = try await browser.open(width: 1080, height: 1920)
            try await page.go("\(base)/d/lantai-2")
            #expect(try await Self.online(page))
            #expect(try await page.run("return document.documentElement.getAttribute('data-theme');") as? String == "light")
            let first = try await client.send(.post, "/api/counters/3/call-next")
            let second = try await client.send(.post, "/api/counters/4/call-next")
            #expect(first.status == .ok && second.status == .ok)
            #expect(try await page.wait(for: "document.querySelector('#latest-number').textContent.trim() === 'P-001'", timeout: .seconds(2)))
            let calls = try await store.events(after: 0, limit: 100).filter { $0.type == .ticketCalled }.map { Int($0.seq) }

            // Each call's audio plays whole, one after the other, in commit order (a call is about 4 s).
            #expect(try await page.wait(for: "window.PanggilDebug.sounds.filter(function (s) { return s.endedAt; }).length === 2",
                                        timeout: .seconds(30)))
            let sounds = try await page.run("return window.PanggilDebug.sounds;") as? [[String: Any]] ?? []
            #expect(sounds.map { $0["id"] as? Int } == calls.map(Optional.some))
            #expect(sounds.allSatisfy { $0["ok"] as? Bool == true })
            if sounds.count == 2, let end = sounds[0]["endedAt"] as? Double, let start = sounds[1]["startedAt"] as? Double {
                #expect(start >= end, "the second call starts after the first ends")
            }
            for (selector, ratio) in try await Self.contrasts(page, ["#latest-number", "#latest-counter", "#clock"]) {
                #expect((ratio ?? 0) >= 7, "contrast of \(selector) is \(ratio ?? 0) in the light theme")
            }
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("portrait.png"))
            await page.close()
        }
    }

    /// A TV that is its zone's only speaker behaves as the loudspeakers do: an emergency cuts off the
    /// call playing, sounds, repeats, holds the calls made meanwhile, and gives them back when it ends.
    @Test func aSpeakerDisplaySoundsAnEmergencyAndHoldsTheCallsMadeMeanwhile() async throws {
        var site = Self.site
        site.emergency.repeatSeconds = 5
        var harness = try Harness(site: site)
        harness.voice = try await CallVoice(site: site, audio: Fixtures.audioDirectory, synthesizer: nil)
        let store = harness.store
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            for service in ["B", "P"] { _ = try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#) }
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/4/open")
            let page = try await browser.open(width: 1080, height: 1920)
            try await page.go("\(base)/d/lantai-2")
            #expect(try await Self.online(page))
            let cut = try await client.send(.post, "/api/counters/3/call-next")
            #expect(cut.status == .ok)
            #expect(try await page.wait(for: "window.PanggilDebug.sounds.length === 1", timeout: .seconds(10)))
            try await Task.sleep(for: .milliseconds(500))

            let emergency = try await client.send(.post, "/api/broadcasts", #"{"template": "gempa", "zones": ["z2"]}"#)
            let startedEvent = try #require(emergency["startedEvent"] as? Int)
            #expect(try await page.wait(for: "window.PanggilDebug.emergencyPlays.length === 1", timeout: .seconds(5)))
            #expect(try await page.run("return window.PanggilDebug.emergencyPlays[0].seq;") as? Int == startedEvent)
            #expect(try await page.run("return window.PanggilDebug.sounds[0].interrupted === true;") as? Bool == true,
                    "the call playing was cut off")
            #expect(try await page.isVisible("#emergency"))

            // A call made now is held; the emergency is said again after its period.
            let held = try await client.send(.post, "/api/counters/4/call-next")
            #expect(held.status == .ok)
            #expect(try await page.wait(for: "window.PanggilDebug.emergencyPlays.length === 2", timeout: .seconds(15)))
            let plays = try await page.run("return window.PanggilDebug.emergencyPlays;") as? [[String: Any]] ?? []
            if plays.count == 2, let a = plays[0]["startedAt"] as? Double, let b = plays[1]["startedAt"] as? Double {
                #expect(b - a >= 4_500, "repeated after its period: \(b - a) ms")
            }
            #expect(try await page.run("return window.PanggilDebug.sounds.length;") as? Int == 1, "nothing said over the emergency")

            _ = try await client.send(.delete, "/api/broadcasts/\(emergency["id"] as? Int ?? 0)")
            // Afterwards the call cut off and the call held are said, whole, in order.
            #expect(try await page.wait(for: "window.PanggilDebug.sounds.filter(function (s) { return s.ok && s.endedAt; }).length === 2",
                                        timeout: .seconds(30)))
            let calls = try await store.events(after: 0, limit: 100).filter { $0.type == .ticketCalled }.map { Int($0.seq) }
            let said = try await page.run("return window.PanggilDebug.sounds.filter(function (s) { return s.ok; }).map(function (s) { return s.id; });") as? [Int]
            #expect(said == calls)
            #expect(try await !page.isVisible("#emergency"))
            await page.close()
        }
    }

    @Test func aSpeakerDisplayAsksForATouchBeforeItPlays() async throws {
        var harness = try Harness(site: Self.site)
        harness.voice = try await CallVoice(site: Self.site, audio: Fixtures.audioDirectory, synthesizer: nil)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            _ = try await client.send(.post, "/api/counters/3/open")
            let page = try await browser.open(width: 1080, height: 1920, autoplay: false)
            try await page.go("\(base)/d/lantai-2")
            #expect(try await Self.online(page))
            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(try await page.wait(for: "document.querySelector('#sound-prompt') && !document.querySelector('#sound-prompt').hidden && document.querySelector('#sound-prompt').offsetParent !== null"))
            #expect(try await page.text("#sound-prompt")?.contains("Ketuk untuk mengaktifkan suara") == true)
            try await page.click("#sound-prompt")
            #expect(try await page.wait(for: "window.PanggilDebug.sounds.filter(function (s) { return s.ok && s.endedAt; }).length === 1", timeout: .seconds(20)))
            #expect(try await !page.isVisible("#sound-prompt"))
            await page.close()
        }
    }

    @Test func theCounterScreenShowsItsTicketOrWhyThereIsNone() async throws {
        let harness = try Harness(site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let page = try await browser.open(width: 1280, height: 720)
            try await page.go("\(base)/d/meja-3")
            #expect(try await Self.online(page))
            #expect(try await page.text("#counter-name") == "Meja 3")
            #expect(try await page.text("#counter-state") == "Tutup")
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(try await page.wait(for: "document.querySelector('#counter-ticket').textContent.trim() === 'B-001'", timeout: .seconds(2)))
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("counter.png"))
            #expect(try await client.send(.post, "/api/tickets/B-001/start").status == .ok)
            #expect(try await client.send(.post, "/api/tickets/B-001/complete").status == .ok)
            _ = try await client.send(.post, "/api/counters/3/pause")
            #expect(try await page.wait(for: "document.querySelector('#counter-state').textContent.trim() === 'Istirahat'"))
            #expect(try await page.text("#counter-ticket") == "")
            _ = try await client.send(.post, "/api/counters/3/close")
            #expect(try await page.wait(for: "document.querySelector('#counter-state').textContent.trim() === 'Tutup'"))
            await page.close()
        }
    }

    @Test func thePhonePageFollowsOneTicketAndNoOther() async throws {
        let harness = try Harness(site: Self.site)
        let browser = try await Browser.start()
        defer { browser.stop() }
        try await harness.run(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let other = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let mine = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let otherCode = try #require(other["code"] as? String)
            let code = try #require(mine["code"] as? String)
            _ = try await client.send(.post, "/api/counters/3/open")
            let page = try await browser.open(width: 412, height: 915)
            try await page.go("\(base)/t/\(code)")
            #expect(try await Self.online(page))
            #expect(try await page.text("#ticket-number") == "B-002")
            #expect(try await page.text("#people-ahead")?.contains("1") == true)
            #expect(try await page.text("#estimated-wait")?.contains("menit") == true)
            #expect(try await !page.isVisible("#called"))

            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(try await page.wait(for: "document.querySelector('#now-serving').textContent.indexOf('B-001') >= 0"))
            #expect(try await page.wait(for: "/(^|\\D)0(\\D|$)/.test(document.querySelector('#people-ahead').textContent) || /giliran|berikutnya/i.test(document.querySelector('#people-ahead').textContent)"))
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("phone.png"))

            #expect(try await client.send(.post, "/api/tickets/B-001/start").status == .ok)
            #expect(try await client.send(.post, "/api/tickets/B-001/complete").status == .ok)
            _ = try await client.send(.post, "/api/counters/3/call-next")
            #expect(try await page.wait(for: "document.querySelector('#called') && document.querySelector('#called').offsetParent !== null", timeout: .seconds(2)))
            #expect(try await page.text("#called")?.contains("Meja 3") == true)
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("phone-called.png"))
            let html = try await page.run("return document.documentElement.outerHTML;") as? String ?? ""
            #expect(!html.contains(otherCode), "the page never sees another ticket's code")

            // An evacuation reaches the citizen's phone too, and goes when it is ended.
            let evacuation = try await client.send(.post, "/api/broadcasts", #"{"template": "evakuasi"}"#)
            #expect(try await page.wait(for: "document.querySelector('#emergency').offsetParent !== null && document.querySelector('#emergency-text').textContent.indexOf('jalur evakuasi') >= 0"))
            try await page.screenshot(to: Screenshots.directory.appendingPathComponent("phone-emergency.png"))
            _ = try await client.send(.delete, "/api/broadcasts/\(try #require(evacuation["id"] as? Int))")
            #expect(try await page.wait(for: "document.querySelector('#emergency').offsetParent === null"))

            try await page.go("\(base)/t/TIDAKADA123")
            #expect(try await page.wait(for: "document.querySelector('#not-found') && document.querySelector('#not-found').offsetParent !== null"))
            await page.close()
        }
    }
}
