import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilQR
import PanggilTesting
import Testing
@testable import PanggilServer

/// What the console, kiosk and admin pages read: the site, a counter's own queue, a ticket's QR code.
@Suite("Console API")
struct ConsoleAPITests {
    @Test func theSiteIsDescribedWithoutAnythingPersonal() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let site = try await client.send(.get, "/api/site", as: .none)
            #expect(site.status == .ok && site["name"] as? String == "Hall Uji")
            #expect((site["services"] as? [[String: Any]])?.map { $0["code"] as? String } == ["A", "B", "P"])
            #expect((site["counters"] as? [[String: Any]])?.first?["services"] as? [String] == ["A", "B"])
            #expect((site["zones"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Lantai 1", "Lantai 2"])
        }
    }

    @Test func aCounterSeesItsTicketAndItsWaitingListPriorityFirst() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let harness = try Harness(site: site)
        try await harness.run { client in
            _ = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#)
            harness.clock.advance(by: 60)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            harness.clock.advance(by: 60)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B", "priority": true}"#)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "P"}"#)
            _ = try await client.send(.post, "/api/counters/1/open")
            let before = try await client.send(.get, "/api/counters/1/queue")
            #expect(before["state"] as? String == "open" && before["ticket"] == nil)
            #expect((before["waiting"] as? [[String: Any]])?.map { $0["number"] as? String } == ["B-002", "A-001", "B-001"],
                    "priority first, then by waiting time; P is not served here")
            #expect((before["waiting"] as? [[String: Any]])?.first?["priority"] as? Bool == true)

            _ = try await client.send(.post, "/api/counters/1/call-next")
            let after = try await client.send(.get, "/api/counters/1/queue")
            #expect((after["ticket"] as? [String: Any])?["number"] as? String == "B-002")
            #expect(after["ticketState"] as? String == "called" && (after["since"] as? String)?.hasSuffix("+07:00") == true)
            #expect((after["waiting"] as? [[String: Any]])?.count == 2)

            #expect(try await client.send(.get, "/api/counters/1/queue", as: .none).status == .unauthorized)
            #expect(try await client.send(.get, "/api/counters/9/queue").status == .notFound)
        }
    }

    @Test func aTicketsQRCodeOpensItsPhonePage() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let harness = try Harness(site: site)
        try await harness.run { client in
            let issued = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            let code = try #require(issued["code"] as? String)
            let svg = try await client.execute(uri: "/t/\(code)/qr.svg", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/svg+xml")
                return String(buffer: response.body)
            }
            // The host is whatever the kiosk's browser used to reach the server (the kiosk test checks it).
            let url = try await decode(svg: svg)
            #expect(url.hasPrefix("http://") && url.hasSuffix("/t/\(code)"), "\(url)")
            #expect(try await client.send(.get, "/t/TIDAKADA/qr.svg", as: .none).status == .notFound)
        }
    }

    @Test(arguments: ["http://localhost:8080/t/AbC123xyZ9", String(repeating: "x", count: 300)])
    func qrCodesReadBack(text: String) async throws {
        let code = try #require(QRCode(text))
        #expect(code.size >= 21 && (code.size - 17) % 4 == 0)
        #expect(try await decode(svg: code.svg) == text)
    }

    /// Draws the SVG's dark modules into a grey-scale image and reads it with zbarimg (zbar-tools).
    func decode(svg: String) async throws -> String {
        let side = try #require(svg.firstMatch(of: /viewBox="0 0 (\d+) \d+"/).flatMap { Int($0.1) })
        var dark = Set<Int>()
        for run in svg.matches(of: /M(\d+) (\d+)h(\d+)/) {
            let x = Int(run.1)!, y = Int(run.2)!, width = Int(run.3)!
            for column in x..<(x + width) { dark.insert(y * side + column) }
        }
        let scale = 4
        let pixels = side * scale
        var image = Data("P5 \(pixels) \(pixels) 255\n".utf8)
        for row in 0..<pixels {
            for column in 0..<pixels {
                image.append(dark.contains((row / scale) * side + column / scale) ? 0 : 255)
            }
        }
        let file = Fixtures.temporaryDirectory().appendingPathComponent("qr.pgm")
        try image.write(to: file)
        return try await decodeQRCode(in: file)
    }
}
