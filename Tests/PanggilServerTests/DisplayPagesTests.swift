import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Display pages and profiles")
struct DisplayPagesTests {
    /// The admin page's list of screens: who follows the stream now, and when a screen that left was
    /// last seen; phones are only counted.
    @Test func connectedScreensAreListedWithWhenTheyWereLastSeen() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let port = client.port!
            let lobby = try StreamClient(port: port, path: "/api/events?zone=z1&display=lobi&layout=hall",
                                         headers: ["User-Agent": "Mozilla/5.0 (SMART-TV)"])
            let counter = try StreamClient(port: port, path: "/api/events?counters=3&display=meja-3&layout=counter")
            let ticket = try await harness.store.issue(service: "B", priority: false, by: .system)
            let phone = try StreamClient(port: port, path: "/api/events?ticket=\(ticket.publicCode)")
            for stream in [lobby, counter, phone] { #expect(await stream.wait { $0.contains("event: snapshot") }) }

            var list = try await client.send(.get, "/api/screens")
            #expect(list.status == .ok)
            var screens = try #require(list["screens"] as? [[String: Any]])
            // The profile no screen has opened comes last, never seen.
            #expect(screens.map { $0["display"] as? String } == ["lobi", "meja-3", "lantai-2"])
            let neverSeen = screens[2]
            #expect(neverSeen["connected"] as? Bool == false && neverSeen["scope"] as? String == "zone=z2")
            #expect(!neverSeen.keys.contains("lastSeen") && !neverSeen.keys.contains("address"))
            #expect(screens[0]["layout"] as? String == "hall" && screens[0]["scope"] as? String == "zone=z1")
            #expect(screens[0]["address"] as? String == "127.0.0.1" && screens[0]["userAgent"] as? String == "Mozilla/5.0 (SMART-TV)")
            #expect(screens[0]["connected"] as? Bool == true && screens[1]["connected"] as? Bool == true)
            #expect(list["phones"] as? Int == 1)

            harness.clock.set(Fixtures.wib("2026-11-30 09:05"))
            counter.disconnect()
            phone.disconnect()
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                try await Task.sleep(for: .milliseconds(50))
                list = try await client.send(.get, "/api/screens")
                screens = list["screens"] as? [[String: Any]] ?? []
            } while screens.count > 1 && screens[1]["connected"] as? Bool != false && ContinuousClock.now < deadline
            #expect(screens.map { $0["display"] as? String } == ["lobi", "meja-3", "lantai-2"])
            #expect(screens[1]["connected"] as? Bool == false)
            #expect((screens[1]["lastSeen"] as? String)?.hasPrefix("2026-11-30T09:05") == true, "\(screens[1])")
            #expect(list["phones"] as? Int == 0)

            #expect(try await client.send(.get, "/api/screens", as: .none).status == .unauthorized)
        }
    }

    @Test func profilesNameTheirLayoutAndStream() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let lobby = try await client.send(.get, "/api/displays/lantai-2")
            #expect(lobby.status == .ok)
            #expect(lobby["layout"] as? String == "portrait" && lobby["zoneName"] as? String == "Lantai 2")
            #expect(lobby["stream"] as? String == "/api/events?zone=z2&display=lantai-2&layout=portrait")
            #expect(lobby["speaker"] as? Bool == true && lobby["theme"] as? String == "light")
            let counter = try await client.send(.get, "/api/displays/meja-3")
            #expect(counter["stream"] as? String == "/api/events?counters=3&display=meja-3&layout=counter")
            let unknown = try await client.send(.get, "/api/displays/atap")
            #expect(unknown.status == .notFound && unknown.errorCode == "unknown_display")
            let all = try await client.execute(uri: "/api/displays", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(all.map { $0["name"] as? String } == ["lobi", "lantai-2", "meja-3"])
        }
    }

    @Test func theSitesOwnLogoReplacesTheShippedMark() async throws {
        var harness = try Harness()
        let logo = Fixtures.temporaryDirectory().appendingPathComponent("logo-mpp.png")
        let bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        try bytes.write(to: logo)
        harness.logo = logo
        try await harness.run { client in
            try await client.execute(uri: "/site/logo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Data(buffer: response.body) == bytes)
            }
        }
    }

    @Test(arguments: [
        ("/d/lobi", 200, "text/html", "/layouts/hall/"),
        ("/d/lantai-2", 200, "text/html", "/layouts/portrait/"),
        ("/d/meja-3", 200, "text/html", "/layouts/counter/"),
        ("/t/ABCDEF", 200, "text/html", "/layouts/phone/"),
        ("/", 200, "text/html", "/api/displays"),
        ("/layouts/shared/panggil.js", 200, "javascript", "EventSource"),
        ("/layouts/portrait/?zone=z2", 200, "text/html", "/layouts/portrait/"),
        ("/site/logo", 200, "image/svg+xml", "<svg"),
        ("/d/atap", 404, "text/html", "Tampilan tidak ditemukan"),
        ("/layouts/../Package.swift", 400, "application/json", "bad_request"),
        ("/layouts/hall/nope.css", 404, "application/json", "not_found"),
    ])
    func pagesAreServed(path: String, status: Int, type: String, contains: String) async throws {
        let harness = try Harness()
        try await harness.run { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status.code == status, "\(path)")
                #expect(response.headers[.contentType]?.contains(type) ?? type.isEmpty, "\(path): \(response.headers[.contentType] ?? "")")
                #expect(String(buffer: response.body).contains(contains), "\(path)")
                if status == 200 { #expect(response.headers[.cacheControl] == "no-cache", "\(path)") }
            }
        }
    }
}

/// TVs run old browsers (Chromium 70 on Android TV and Raspberry Pi images): the pages must not use
/// syntax or CSS those cannot parse. This machine only has a current Chromium, so the rule is also
/// checked in the text.
@Suite("Display pages stay within Chromium 70")
struct OldBrowserTests {
    static let forbidden: [(pattern: String, files: String, why: String)] = [
        ("?.", "js", "optional chaining (Chromium 80)"),
        ("??", "js", "nullish coalescing (Chromium 80)"),
        (".replaceAll(", "js", "String.replaceAll (Chromium 85)"),
        ("Object.fromEntries", "js", "Object.fromEntries (Chromium 73)"),
        ("globalThis", "js", "globalThis (Chromium 71)"),
        (".flatMap(", "js", "Array.flatMap (Chromium 69, absent from some TV builds)"),
        ("clamp(", "css", "clamp() (Chromium 79)"),
        ("aspect-ratio", "css", "aspect-ratio (Chromium 88)"),
        (":is(", "css", ":is() (Chromium 88)"),
        (":where(", "css", ":where() (Chromium 88)"),
        ("inset:", "css", "inset shorthand (Chromium 87)"),
        ("type=\"module\"", "html", "ES modules: one file for old loaders"),
    ]

    @Test func noNewerSyntaxInTheLayouts() throws {
        let root = Fixtures.layoutsDirectory
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
        #expect(files.contains("shared/panggil.js"))
        for file in files {
            let kind = (file as NSString).pathExtension
            guard ["js", "css", "html"].contains(kind) else { continue }
            // Comments may name what they avoid.
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                .replacingOccurrences(of: #"/\*[\s\S]*?\*/"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"(?m)^\s*//.*$"#, with: "", options: .regularExpression)
            // Inline scripts and styles of HTML pages are held to the JS and CSS rules too.
            for rule in Self.forbidden where rule.files == kind || kind == "html" {
                #expect(!text.contains(rule.pattern), "\(file) uses \(rule.why)")
            }
        }
    }
}
