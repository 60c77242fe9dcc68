import Foundation
import Hummingbird
import Logging
import HummingbirdBcrypt
import HummingbirdTesting
import PanggilCore
import PanggilStore
import PanggilTesting
import PanggilVoice
import Testing
@testable import PanggilServer

/// A store and the app built on it exactly as `panggil serve` builds it.
struct Harness {
    let store: SQLiteQueueStore
    let clock: ManualClock
    let stream: StreamConfiguration
    var voice: CallVoice?
    var audio: (any AudioOutput)?
    var logo: URL?

    init(site: Site = Fixtures.smallSite, at time: String = "2026-11-30 09:00", stream: StreamConfiguration = StreamConfiguration()) throws {
        clock = ManualClock(Fixtures.wib(time))
        store = try SQLiteQueueStore(path: Fixtures.temporaryStorePath(), site: site, clock: clock)
        self.stream = stream
    }

    /// Signs requests in as `who` by default (`send`): an admin, unless a test says otherwise.
    var authenticator: Authenticator {
        let clock = clock
        var settings = Authenticator.Settings()
        settings.bcryptCost = 4  // the minimum: tests check who may do what, not bcrypt's speed
        return Authenticator(access: store.access, settings: settings, now: { clock.now() })
    }

    func run<T: Sendable>(_ setup: TestingSetup = .router, _ test: @Sendable @escaping (any TestClientProtocol) async throws -> T) async throws -> T {
        var logger = Logger(label: "panggil-test")
        logger.logLevel = .warning
        try await Self.seedAdmin(store)
        let app = try await buildApplication(
            store: store, authenticator: authenticator, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, stream: stream, layouts: Fixtures.layoutsDirectory,
                                               logo: logo, scheduleCheck: .milliseconds(50)),
            voice: voice, audio: audio,
            logger: logger)
        return try await app.test(setup, test)
    }

    /// The admin every test request is sent as unless it names other credentials.
    static let adminToken = "test-admin-session"

    static func seedAdmin(_ store: SQLiteQueueStore) async throws {
        guard try await store.access.user(named: "admin") == nil else { return }
        try await store.access.saveUser(User(name: "admin", role: .admin), passwordHash: Bcrypt.hash("rahasia-admin", cost: 4))
        try await store.access.startSession(tokenHash: Authenticator.tokenHash(adminToken), user: "admin",
                                            at: Date(timeIntervalSince1970: 0), expiresAt: .distantFuture)
    }

    func eventCount() async throws -> Int {
        try await store.events(after: 0, limit: 1_000_000).count
    }
}

struct Reply: @unchecked Sendable {
    let status: HTTPResponse.Status
    let json: [String: Any]
    let headers: HTTPFields

    subscript(key: String) -> Any? { json[key] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

/// How a test request identifies itself.
enum Credentials: Sendable {
    case session(String)
    case bearer(String)
    case none

    static let admin = Credentials.session(Harness.adminToken)

    var headers: HTTPFields {
        switch self {
        case .session(let token): [.contentType: "application/json", .cookie: "panggil_session=\(token)"]
        case .bearer(let token): [.contentType: "application/json", .authorization: "Bearer \(token)"]
        case .none: [.contentType: "application/json"]
        }
    }
}

extension TestClientProtocol {
    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, as who: Credentials = .admin) async throws -> Reply {
        try await execute(uri: uri, method: method, headers: who.headers,
                          body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(buffer: response.body)
            let json = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
            return Reply(status: response.status, json: json, headers: response.headers)
        }
    }
}

@Suite("HTTP API")
struct APITests {
    @Test func aTicketGoesThroughItsWholeLifeOverHTTP() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let issued = try await client.send(.post, "/api/tickets", #"{"service": "B", "priority": true}"#)
            #expect(issued.status == .created)
            #expect(issued["number"] as? String == "B-001")
            #expect(issued["priority"] as? Bool == true)
            #expect((issued["service"] as? [String: Any])?["name"] as? String == "KK")
            let id = try #require(issued["id"] as? Int)
            let code = try #require(issued["code"] as? String)

            #expect(try await client.send(.post, "/api/counters/3/open").status == .ok)
            let called = try await client.send(.post, "/api/counters/3/call-next")
            #expect(called.status == .ok && called["number"] as? String == "B-001")
            #expect((called["counter"] as? [String: Any])?["name"] as? String == "Meja 3")
            #expect((called["counter"] as? [String: Any])?["zone"] as? String == "z2")
            #expect(called["code"] == nil, "only the issuer gets the public code")

            let status = try await client.send(.get, "/api/tickets/\(code)")
            #expect(status.status == .ok && status["state"] as? String == "called")
            #expect(status["code"] == nil, "the public page does not repeat the code")

            let early = try await client.send(.post, "/api/tickets/\(id)/complete")
            #expect(early.status == .conflict && early.errorCode == "invalid_state")
            for step in ["recall", "start", "complete"] {
                let reply = try await client.send(.post, "/api/tickets/\(id)/\(step)")
                #expect(reply.status == .ok, "\(step): \(reply.json)")
            }
            #expect(try await client.send(.get, "/api/tickets/\(code)")["state"] as? String == "done")

            let empty = try await client.send(.post, "/api/counters/3/call-next")
            #expect(empty.status == .conflict && empty.errorCode == "queue_empty")
            #expect(empty.errorMessage?.contains("Tidak ada antrian") == true)
        }
        #expect(try await harness.eventCount() == 6)
    }

    @Test func labelsWorkWhereIdsDo() async throws {
        let harness = try Harness()
        try await harness.run { client in
            _ = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#)
            _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            _ = try await client.send(.post, "/api/counters/1/open")
            let called = try await client.send(.post, "/api/counters/1/call", #"{"ticket": "b-1"}"#)
            #expect(called.status == .ok && called["number"] as? String == "B-001")
            let moved = try await client.send(.post, "/api/tickets/B-001/transfer", #"{"service": "A"}"#)
            #expect(moved.status == .ok && moved["state"] as? String == "waiting")
            #expect((moved["service"] as? [String: Any])?["code"] as? String == "A")
            #expect(try await client.send(.post, "/api/tickets/A-001/cancel").status == .ok)
        }
    }

    @Test func theBoardFollowsTheStore() async throws {
        let harness = try Harness()
        try await harness.run { client in
            var codes: [String] = []
            for service in ["A", "A", "B"] {
                codes.append(try await client.send(.post, "/api/tickets", #"{"service": "\#(service)"}"#)["code"] as! String)
            }
            _ = try await client.send(.post, "/api/counters/2/open")
            _ = try await client.send(.post, "/api/counters/2/call-next")
            // A write from outside the server (as by the CLI) reaches the board through the feed.
            _ = try await harness.store.issue(service: "P", priority: true, by: .cli("uji"))
            let board = try await client.send(.get, "/api/board")
            let last = try await harness.store.events(after: 0, limit: 100).last!.seq
            #expect(board["seq"] as? Int == Int(last))
            #expect(board["day"] as? String == "2026-11-30")
            let services = try #require(board["services"] as? [[String: Any]])
            let waiting = Dictionary(uniqueKeysWithValues: services.map { ($0["code"] as! String, $0["waiting"] as! Int) })
            #expect(waiting == ["A": 1, "B": 1, "P": 1])
            let counters = try #require(board["counters"] as? [[String: Any]])
            let two = try #require(counters.first { $0["number"] as? Int == 2 })
            #expect(two["state"] as? String == "open" && two["ticketState"] as? String == "called")
            #expect((two["ticket"] as? [String: Any])?["number"] as? String == "A-001")
            let calls = try #require(board["recentCalls"] as? [[String: Any]])
            #expect(calls.count == 1 && (calls[0]["at"] as? String)?.hasSuffix("+07:00") == true)
            let raw = try await client.execute(uri: "/api/board", method: .get) { String(buffer: $0.body) }
            #expect(codes.allSatisfy { !raw.contains($0) }, "no public codes on the board")
        }
    }

    @Test func aWaitingCitizenSeesTheirPlaceAndWait() async throws {
        let harness = try Harness()
        try await harness.run { client in
            var codes: [String] = []
            for priority in [false, false, true, false] {
                let reply = try await client.send(.post, "/api/tickets", #"{"service": "B", "priority": \#(priority)}"#)
                codes.append(reply["code"] as! String)
            }
            // No pause: the server answers reads only once its board shows its own writes.
            // Priority first: the priority ticket is next, so the second regular ticket has two ahead.
            let second = try await client.send(.get, "/api/tickets/\(codes[1])")
            #expect(second["peopleAhead"] as? Int == 2 && second["position"] as? Int == 3)
            // Ten typical minutes each, spread over the open counters serving B (none open: counted as one).
            #expect(second["estimatedWaitMinutes"] as? Int == 20)
            let priority = try await client.send(.get, "/api/tickets/\(codes[2])")
            #expect(priority["peopleAhead"] as? Int == 0)
            let unknown = try await client.send(.get, "/api/tickets/zzzzzzzzzz")
            #expect(unknown.status == .notFound && unknown.errorCode == "ticket_not_found")
        }
    }

    /// Bad input gets a clear 4xx in the error shape and changes nothing.
    @Test(arguments: [
        (HTTPRequest.Method.post, "/api/tickets", "{not json", 400, "invalid_json"),
        (.post, "/api/tickets", "", 400, "invalid_json"),
        (.post, "/api/tickets", #"{"priority": true}"#, 400, "missing_field"),
        (.post, "/api/tickets", #"{"service": 7}"#, 400, "invalid_field"),
        (.post, "/api/tickets", #"{"service": "A", "priority": "ya"}"#, 400, "invalid_field"),
        (.post, "/api/tickets", #"{"service": "Z"}"#, 404, "unknown_service"),
        (.post, "/api/tickets", #"{"service": "\#(String(repeating: "A", count: 20_000))"}"#, 413, "body_too_large"),
        (.post, "/api/counters/abc/call-next", nil, 400, "invalid_counter"),
        (.post, "/api/counters/-1/open", nil, 400, "invalid_counter"),
        (.post, "/api/counters/77/call-next", nil, 404, "unknown_counter"),
        (.post, "/api/counters/1/call-next", nil, 409, "counter_closed"),
        (.post, "/api/counters/1/call", #"{"ticket": "!!"}"#, 400, "invalid_ticket"),
        (.post, "/api/counters/1/close", nil, 409, "invalid_state"),
        (.post, "/api/tickets/1/complete", nil, 409, "invalid_state"),
        (.post, "/api/tickets/1/transfer", #"{"service": "B"}"#, 409, "invalid_state"),
        (.post, "/api/tickets/1/transfer", "[]", 400, "invalid_field"),
        (.post, "/api/tickets/x!/recall", nil, 400, "invalid_ticket"),
        (.post, "/api/tickets/999/recall", nil, 404, "ticket_not_found"),
        (.post, "/api/tickets/C-001/recall", nil, 404, "ticket_not_found"),
        (.get, "/api/nothing-here", nil, 404, "not_found"),
        (.get, "/api/tickets/%00%ff", nil, 404, "ticket_not_found"),
    ] as [(HTTPRequest.Method, String, String?, Int, String)])
    func badInputIsRefusedClearly(method: HTTPRequest.Method, uri: String, body: String?, status: Int, code: String) async throws {
        let harness = try Harness()
        _ = try await harness.store.issue(service: "B", priority: false, by: .api)
        let before = try await harness.eventCount()
        try await harness.run { client in
            let reply = try await client.send(method, uri, body)
            #expect(reply.status.code == status, "\(reply.json)")
            #expect(reply.errorCode == code)
            #expect((reply.errorMessage ?? "").count > 5)
        }
        #expect(try await harness.eventCount() == before)
    }

    @Test func invalidUTF8IsRefused() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let reply = try await client.execute(uri: "/api/tickets", method: .post, headers: Credentials.admin.headers,
                                                 body: ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])) { $0.status }
            #expect(reply == .badRequest)
        }
        #expect(try await harness.eventCount() == 0)
    }

    @Test func quotaAndHoursAreExplained() async throws {
        let harness = try Harness(at: "2026-11-29 10:00")  // a Sunday
        try await harness.run { client in
            let closed = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#)
            #expect(closed.status == .conflict && closed.errorCode == "service_closed")
            #expect(closed.errorMessage?.contains("Jam layanan") == true)
        }
        harness.clock.set(Fixtures.wib("2026-11-30 10:00"))
        try await harness.run { client in
            for _ in 1...5 { #expect(try await client.send(.post, "/api/tickets", #"{"service": "A"}"#).status == .created) }
            let full = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#)
            #expect(full.status == .conflict && full.errorCode == "quota_reached")
        }
    }

    @Test func theBoardStartsANewDayAtLocalMidnight() async throws {
        let harness = try Harness(at: "2026-11-30 23:59:50")
        try await harness.run { client in
            for _ in 0..<3 { _ = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#) }
            _ = try await client.send(.post, "/api/counters/3/open")
            _ = try await client.send(.post, "/api/counters/3/call-next")
            harness.clock.set(Fixtures.wib("2026-12-01 00:00:01"))
            var board = try await client.send(.get, "/api/board")
            let deadline = Date() + 5
            while board["day"] as? String != "2026-12-01", Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                board = try await client.send(.get, "/api/board")
            }
            #expect(board["day"] as? String == "2026-12-01")
            let services = try #require(board["services"] as? [[String: Any]])
            #expect(services.allSatisfy { $0["waiting"] as? Int == 0 && $0["nowServing"] == nil })
            #expect((board["recentCalls"] as? [Any])?.isEmpty == true)
            // The counter still holds the ticket it called before midnight.
            let three = (board["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 3 }
            #expect((three?["ticket"] as? [String: Any])?["number"] as? String == "B-001")
            let fresh = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            #expect(fresh["number"] as? String == "B-001" && fresh["day"] as? String == "2026-12-01")
        }
    }

    @Test func healthOverARealSocket() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok && health["status"] as? String == "ok")
            let issued = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#)
            #expect(issued.status == .created)
        }
    }
}
