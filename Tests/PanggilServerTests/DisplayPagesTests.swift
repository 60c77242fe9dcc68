import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Display pages and profiles")
struct DisplayPagesTests {
    @Test func profilesNameTheirLayoutAndStream() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let lobby = try await client.send(.get, "/api/displays/lantai-2")
            #expect(lobby.status == .ok)
            #expect(lobby["layout"] as? String == "portrait" && lobby["zoneName"] as? String == "Lantai 2")
            #expect(lobby["stream"] as? String == "/api/events?zone=z2")
            #expect(lobby["speaker"] as? Bool == true && lobby["theme"] as? String == "light")
            let counter = try await client.send(.get, "/api/displays/meja-3")
            #expect(counter["stream"] as? String == "/api/events?counters=3")
            let unknown = try await client.send(.get, "/api/displays/atap")
            #expect(unknown.status == .notFound && unknown.errorCode == "unknown_display")
            let all = try await client.execute(uri: "/api/displays", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(all.map { $0["name"] as? String } == ["lobi", "lantai-2", "meja-3"])
        }
    }

    @Test(arguments: [
        ("/d/lobi", 200, "text/html", "/layouts/hall/"),
        ("/d/lantai-2", 200, "text/html", "/layouts/portrait/"),
        ("/d/meja-3", 200, "text/html", "/layouts/counter/"),
        ("/t/ABCDEF", 200, "text/html", "/layouts/phone/"),
        ("/", 200, "text/html", "/api/displays"),
        ("/layouts/shared/panggil.js", 200, "javascript", "EventSource"),
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
