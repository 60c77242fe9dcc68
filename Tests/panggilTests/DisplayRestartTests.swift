import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilStore
import PanggilTesting
import Testing

/// A wall display in a real Chromium while the server dies and comes back: it must say it is
/// offline, reconnect by itself, and end up showing every call made meanwhile.
@Suite("Display through a server restart")
struct DisplayRestartTests {
    @Test func aDisplayRidesOutAServerCrashWithoutMissingACall() async throws {
        let directory = Fixtures.temporaryDirectory()
        func cli(_ arguments: String) async throws {
            let run = try await panggil(arguments.split(separator: " ").map(String.init), in: directory)
            #expect(run.status == 0, "panggil \(arguments): \(run.stderr)")
        }
        var server = try await RunningServer(arguments: ["--no-speakers"], in: directory)
        defer { server.stop() }
        try await cli("open --counter 1")
        try await cli("open --counter 2")
        for _ in 0..<3 { try await cli("issue --service A") }

        let browser = try await Browser.start()
        defer { browser.stop() }
        let page = try await browser.open(width: 1920, height: 1080)
        try await page.go("http://127.0.0.1:\(server.port)/d/lobi")
        #expect(try await page.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'online'", timeout: .seconds(10)))
        try await cli("call-next --counter 1")
        #expect(try await page.wait(for: "document.querySelector('#latest-number').textContent.trim() === 'A-001'", timeout: .seconds(3)))

        server.kill()
        #expect(try await page.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'offline'", timeout: .seconds(10)))
        #expect(try await page.text("#connection")?.isEmpty == false, "offline is said in words, not only by colour")
        // While the server is down the hall goes on working through the CLI.
        try await cli("start --ticket A-001")
        try await cli("complete --ticket A-001")
        try await cli("call-next --counter 1")
        try await cli("call-next --counter 2")
        try await Task.sleep(for: .seconds(1))
        #expect(try await page.text("#latest-number") == "A-001", "nothing new can reach it while the server is down")

        server = try await RunningServer(arguments: ["--no-speakers"], in: directory, port: server.port)
        #expect(try await page.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'online'", timeout: .seconds(45)))
        #expect(try await page.wait(for: "document.querySelector('#latest-number').textContent.trim() === 'A-003'", timeout: .seconds(5)))
        #expect(try await page.text(".counter[data-counter='1'] .counter-ticket") == "A-002")
        #expect(try await page.text(".counter[data-counter='2'] .counter-ticket") == "A-003")

        // Every call in the log reached the page once, in order: resumed, not reloaded.
        let store = try SQLiteQueueStore(path: directory.appendingPathComponent("data/panggil.sqlite").path, site: SiteFile.demo())
        let calls = try await store.events(after: 0, limit: 1000).filter { $0.type == .ticketCalled }.map { Int($0.seq) }
        let shown = try await page.run("return window.PanggilDebug.shown.map(function (s) { return s.seq; });") as? [Int] ?? []
        #expect(calls.count == 3)
        #expect(shown == calls)
        await page.close()
    }
}
