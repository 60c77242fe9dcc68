import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import PanggilVoice
import Testing
@testable import PanggilServer

/// Reliability drill: thousands of malformed, oversized, wrongly typed, invalid-UTF-8 and out-of-order
/// requests to every endpoint. None may crash the server or get a 5xx, and none that is refused may
/// change the store.
@Suite("Drill: bad input")
struct BadInputDrillTests {

    static let endpoints: [(HTTPRequest.Method, String)] = [
        (.get, "/api/board"), (.get, "/api/tickets/{p}"), (.get, "/api/announcements/preview?ticket={p}&counter={p}"),
        (.get, "/api/announcements/{p}.wav"), (.get, "/api/announcements/{p}"), (.get, "/api/broadcasts"),
        (.get, "/api/broadcasts/templates"), (.get, "/api/displays/{p}"), (.get, "/api/site"), (.get, "/api/counters/{p}/queue"),
        (.get, "/t/{p}/qr.svg"), (.get, "/api/reports/daily?date={p}"), (.get, "/api/reports/monthly.csv?month={p}"),
        (.get, "/api/me"), (.get, "/api/users"), (.get, "/api/devices"), (.get, "/healthz"), (.get, "/metrics"),
        (.get, "/d/{p}"), (.get, "/t/{p}"),
        (.post, "/api/tickets"), (.post, "/api/counters/{p}/call-next"), (.post, "/api/counters/{p}/call"),
        (.post, "/api/counters/{p}/open"), (.post, "/api/counters/{p}/pause"), (.post, "/api/counters/{p}/close"),
        (.post, "/api/tickets/{p}/recall"), (.post, "/api/tickets/{p}/start"), (.post, "/api/tickets/{p}/complete"),
        (.post, "/api/tickets/{p}/no-show"), (.post, "/api/tickets/{p}/requeue"), (.post, "/api/tickets/{p}/cancel"),
        (.post, "/api/tickets/{p}/transfer"), (.post, "/api/broadcasts"), (.post, "/api/login"), (.post, "/api/users"),
        (.post, "/api/devices"), (.delete, "/api/broadcasts/{p}"), (.delete, "/api/users/{p}"), (.delete, "/api/devices/{p}"),
        (.put, "/api/tickets"), (.patch, "/api/board"),
    ]

    static let parameters = [
        "", "0", "-1", "99999999999999999999", "abc", "%FF%FE", "A-999", "..%2F..%2Fetc%2Fpasswd", "%00", "%F0%9F%99%82",
        String(repeating: "x", count: 3_000), "1%3BDROP%20TABLE%20events", "A-001", "Z-1", "2026-02-30", "2026-13", "1e9", "NaN",
    ]

    static let bodies: [[UInt8]?] = {
        var bodies: [[UInt8]?] = [nil]
        for text in [
            "", "{", "}", "null", "[]", "true", "\"x\"", #"{"service": 5}"#, #"{"service": null}"#, #"{"service": "ZZ"}"#,
            #"{"service": "A", "priority": "ya"}"#, #"{"ticket": "A-0"}"#, #"{"ticket": 12}"#, #"{"kind": ["notice"]}"#,
            #"{"kind": "notice", "text": "\u0000"}"#, #"{"kind": "emergency", "text": "x", "zones": {"a": 1}}"#,
            #"{"kind": "notice", "text": "x", "until": "kemarin"}"#, #"{"template": 7}"#, #"{"template": "evakuasi", "params": [1]}"#,
            #"{"name": "", "password": ""}"#, #"{"name": "\u0000", "role": "staff", "password": "kata-sandi-panjang"}"#,
            #"{"name": "a\u0000b", "kind": "kiosk"}"#, #"{"kind": "notice", "text": "ok", "textEn": "\u0007"}"#,
            #"{"name": "admin", "password": "\u0000"}"#, #"{"name": "x", "role": "raja", "password": "p"}"#, #"{"name": "k", "kind": "printer"}"#,
            #"{"service": "A", "service": "B"}"#, String(repeating: "[", count: 10_000), "{\"a\":" + String(repeating: "1", count: 400) + "}",
        ] { bodies.append(Array(text.utf8)) }
        bodies.append([0xFF, 0xFE, 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D])              // invalid UTF-8
        bodies.append(Array(#"{"service": "\#u{FFFF}\#u{10FFFF}"}"#.utf8))
        bodies.append(Array(("{\"kind\": \"notice\", \"text\": \"" + String(repeating: "y", count: 20_000) + "\"}").utf8))  // over 16 KiB
        return bodies
    }()

    @Test func thousandsOfBadRequestsGetClearRefusalsAndChangeNothing() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        var harness = try Harness(site: site)
        harness.voice = try await CallVoice(site: site, audio: Fixtures.audioDirectory, synthesizer: nil)
        let store = harness.store
        // Something to act on: tickets waiting and called, a counter open.
        for _ in 0..<3 { _ = try await store.issue(service: "A", priority: false, by: .system) }
        _ = try await store.setCounter(1, to: .open, by: .system)
        _ = try await store.callNext(counter: 1, by: .system)
        try await harness.run { client in
            // Seeded, so that a failing request can be replayed.
            var random = SplitMix64(state: 2026_11_29)
            var statuses: [Int: Int] = [:]
            var tried = 0
            var accepted: [String] = []
            for _ in 0..<3_000 {
                let (method, template) = Self.endpoints.randomElement(using: &random)!
                var uri = template
                while let range = uri.range(of: "{p}") {
                    uri.replaceSubrange(range, with: Self.parameters.randomElement(using: &random)!)
                }
                let body = Self.bodies.randomElement(using: &random)!
                let who: Credentials = Int.random(in: 0..<4, using: &random) == 0 ? .none : .admin
                let before = try await store.logBounds().latest
                let users = try await store.access.users().count
                let status = try await client.execute(uri: uri, method: method, headers: who.headers,
                                                      body: body.map { ByteBuffer(bytes: $0) }) { $0.status.code }
                tried += 1
                if status < 300, method != .get { accepted.append("\(method) \(uri.prefix(80)) \(body.map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? "-") → \(status)") }
                statuses[status, default: 0] += 1
                #expect(status < 500, "\(method) \(uri.prefix(120)) with \(body.map { String(decoding: $0.prefix(60), as: UTF8.self) } ?? "no body") → \(status)")
                if status >= 400 {
                    #expect(try await store.logBounds().latest == before, "refused, yet the log grew: \(method) \(uri.prefix(120))")
                    #expect(try await store.access.users().count == users)
                }
            }
            print("bad-input drill: \(tried) requests; answers by status: \(statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))")
            print("accepted, as well-formed enough: " + accepted.joined(separator: "; "))
            // Still serving properly afterwards.
            #expect(try await client.send(.post, "/api/tickets", #"{"service": "B"}"#).status == .created)
        }
    }
}
