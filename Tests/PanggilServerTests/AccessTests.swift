import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilStore
import PanggilTesting
import Testing
@testable import PanggilServer

/// Who may change the queue: every mutating endpoint against every kind of caller.
@Suite("Access control")
struct AccessTests {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, staffOfThisCounter, staffOfAnotherCounter, kiosk, revokedToken, supervisor, admin
    }

    /// A mutating request, what must be true before it (done as admin), and who may make it.
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var before: [(HTTPRequest.Method, String, String?)] = []
        var allowed: Set<Caller>

        var testDescription: String { "\(method) \(path)" }
    }

    static let counterStaff: Set<Caller> = [.staffOfThisCounter, .admin]
    static let adminOnly: Set<Caller> = [.admin]

    static let cases: [Case] = [
        Case(method: .post, path: "/api/tickets", body: #"{"service": "A"}"#,
             allowed: [.staffOfThisCounter, .staffOfAnotherCounter, .kiosk, .supervisor, .admin]),
        Case(method: .post, path: "/api/counters/2/call-next", allowed: counterStaff),
        Case(method: .post, path: "/api/counters/2/call", body: #"{"ticket": "A-002"}"#, allowed: counterStaff),
        Case(method: .post, path: "/api/counters/2/pause", allowed: counterStaff),
        Case(method: .post, path: "/api/counters/2/close", allowed: counterStaff),
        Case(method: .post, path: "/api/counters/4/open", allowed: [.admin]),
        Case(method: .post, path: "/api/tickets/A-001/recall", allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-001/start", allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-001/complete", before: [(.post, "/api/tickets/A-001/start", nil)], allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-001/no-show", allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-001/transfer", body: #"{"service": "B"}"#, allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-003/requeue", allowed: counterStaff),
        Case(method: .post, path: "/api/tickets/A-002/cancel", allowed: counterStaff),
        Case(method: .post, path: "/api/broadcasts", body: #"{"kind": "notice", "text": "Uji"}"#, allowed: adminOnly),
        Case(method: .delete, path: "/api/broadcasts/1", before: [(.post, "/api/broadcasts", #"{"kind": "emergency", "text": "Uji"}"#)],
             allowed: adminOnly),
        Case(method: .post, path: "/api/users", body: #"{"name": "rina", "role": "staff", "counters": [3], "password": "kata-sandi-rina"}"#,
             allowed: adminOnly),
        Case(method: .delete, path: "/api/users/budi", allowed: adminOnly),
        Case(method: .post, path: "/api/devices", body: #"{"name": "kios-2", "kind": "kiosk"}"#, allowed: adminOnly),
        Case(method: .delete, path: "/api/devices/1", allowed: adminOnly),
        // Not public either: figures about staff's work, and where the screens are.
        Case(method: .get, path: "/api/reports/daily", allowed: [.supervisor, .admin]),
        Case(method: .get, path: "/api/screens", allowed: [.supervisor, .admin]),
    ]

    /// The small hall with: `siti` at counters 1 and 2, `budi` at counter 3 (service B only), a
    /// supervisor, a kiosk and a revoked kiosk; counter 1 holds A-001 (called), A-002 waits, A-003 is
    /// a no-show, counter 2 is open and free.
    static func hall() async throws -> (Harness, [Caller: Credentials]) {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let harness = try Harness(site: site)
        let access = harness.store.access
        let authenticator = harness.authenticator
        for (name, role, counters) in [("siti", Role.staff, [1, 2]), ("budi", .staff, [3]), ("sari", .supervisor, [])] {
            try await authenticator.saveUser(User(name: name, role: role, counters: counters), password: "kata-sandi-\(name)", site: site)
            try await access.startSession(tokenHash: Authenticator.tokenHash("session-\(name)"), user: name,
                                          at: harness.clock.now(), expiresAt: .distantFuture)
        }
        let (_, kiosk) = try await authenticator.addDevice(name: "kios-1", kind: .kiosk)
        let (revoked, revokedToken) = try await authenticator.addDevice(name: "kios-lama", kind: .kiosk)
        _ = try await access.revokeDevice(id: revoked.id, at: harness.clock.now())
        let staff = EventActor("user:admin")
        for _ in 0..<3 { _ = try await harness.store.issue(service: "A", priority: false, by: staff) }
        for counter in [1, 2] { _ = try await harness.store.setCounter(counter, to: .open, by: staff) }
        _ = try await harness.store.call(.label(TicketLabel(prefix: "A", number: 3)), counter: 2, by: staff)
        _ = try await harness.store.noShow(.label(TicketLabel(prefix: "A", number: 3)), by: staff)
        _ = try await harness.store.callNext(counter: 1, by: staff)
        return (harness, [
            .anonymous: .none, .staffOfThisCounter: .session("session-siti"), .staffOfAnotherCounter: .session("session-budi"),
            .kiosk: .bearer(kiosk), .revokedToken: .bearer(revokedToken), .supervisor: .session("session-sari"),
            .admin: .admin,
        ])
    }

    @Test(arguments: cases)
    func everyMutatingEndpointAnswersEachCallerAsItShould(_ endpoint: Case) async throws {
        for caller in Caller.allCases {
            let (harness, credentials) = try await Self.hall()
            try await harness.run { client in
                for (method, path, body) in endpoint.before {
                    let prepared = try await client.send(method, path, body)
                    #expect(prepared.status.code < 300, "\(path) before \(endpoint.path): \(prepared.errorCode ?? "")")
                }
                let events = try await harness.eventCount()
                let who = credentials[caller]!
                let reply = try await client.send(endpoint.method, endpoint.path, endpoint.body, as: who)
                let expected = endpoint.allowed.contains(caller) ? "2xx"
                    : caller == .anonymous || caller == .revokedToken ? "401" : "403"
                let got = reply.status.code < 300 ? "2xx" : "\(reply.status.code)"
                #expect(got == expected, "\(endpoint.method) \(endpoint.path) as \(caller): \(reply.status.code) \(reply.errorCode ?? "")")
                if expected != "2xx" {
                    #expect(try await harness.eventCount() == events, "a refused request changes nothing")
                    #expect(reply.errorMessage?.isEmpty == false)
                }
            }
        }
    }

    @Test func eventsNameTheirActor() async throws {
        let (harness, credentials) = try await Self.hall()
        let kiosk = credentials[.kiosk]!, siti = credentials[.staffOfThisCounter]!
        try await harness.run { client in
            let issued = try await client.send(.post, "/api/tickets", #"{"service": "B"}"#, as: kiosk)
            #expect(issued.status == .created)
            let started = try await client.send(.post, "/api/tickets/A-001/start", as: siti)
            #expect(started.status == .ok)
        }
        let actors = try await harness.store.events(after: 0, limit: 100).suffix(2).map(\.actor.rawValue)
        #expect(actors == ["device:kios-1", "user:siti"])
    }

    @Test func tokensAreStoredAsTheHexOfTheirSHA256() {
        // Stored hashes of sessions and devices made by earlier versions must still match.
        #expect(Authenticator.tokenHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aSessionNamesItsUserAsTheyAreNow() async throws {
        let (harness, _) = try await Self.hall()
        let access = harness.store.access
        let siti = try #require(try await access.session(tokenHash: Authenticator.tokenHash("session-siti")))
        #expect(siti.user == User(name: "siti", role: .staff, counters: [1, 2]) && siti.expiresAt > Date(timeIntervalSinceNow: 1e9))
        #expect(try await access.session(tokenHash: Authenticator.tokenHash("session-sari"))?.user.counters == [])
        // A change of counters counts from the next request; a removed user's sessions are gone.
        try await harness.authenticator.saveUser(User(name: "siti", role: .staff, counters: [2]), password: nil, site: harness.store.site)
        #expect(try await access.session(tokenHash: Authenticator.tokenHash("session-siti"))?.user.counters == [2])
        #expect(try await access.removeUser(named: "siti"))
        #expect(try await access.session(tokenHash: Authenticator.tokenHash("session-siti")) == nil)
        #expect(try await access.session(tokenHash: Authenticator.tokenHash("no-such-session")) == nil)
    }

    /// Credentials are taken on trust for a moment after they are looked up, so that a counter calling
    /// all day does not read them from the database on every call. A change made through the server
    /// counts at once (the tests around this one); one made by another process counts after the recheck.
    @Test func aChangeByAnotherProcessCountsAfterTheRecheck() async throws {
        let (harness, credentials) = try await Self.hall()
        var settings = Authenticator.Settings()
        settings.recheckAfter = .seconds(2)
        let clock = harness.clock
        let authenticator = Authenticator(access: harness.store.access, settings: settings, now: { clock.now() })
        let kiosk = try #require(credentials[.kiosk].flatMap { if case .bearer(let token) = $0 { token } else { nil } })
        let looked = ContinuousClock.now
        #expect(try await authenticator.user(sessionToken: "session-siti")?.counters == [1, 2])
        #expect(try await authenticator.device(token: kiosk)?.name == "kios-1")
        // Another process (a `panggil user` command, say) removes siti and revokes the kiosk.
        let other = try SQLiteQueueStore(path: harness.store.path, site: harness.store.site)
        #expect(try await other.access.removeUser(named: "siti"))
        let kioskID = try #require(try await other.access.devices().first { $0.name == "kios-1" }?.id)
        #expect(try await other.access.revokeDevice(id: kioskID, at: clock.now()) != nil)
        // Unless the machine is so crowded that the other process's change took most of the recheck.
        if ContinuousClock.now - looked < .milliseconds(1_500) {
            #expect(try await authenticator.user(sessionToken: "session-siti") != nil, "still trusted for a moment")
        }
        try await Task.sleep(until: looked + .milliseconds(2_200))
        #expect(try await authenticator.user(sessionToken: "session-siti") == nil)
        #expect(try await authenticator.device(token: kiosk) == nil)
        // A change through this server counts at once, even right after a lookup.
        #expect(try await authenticator.user(sessionToken: "session-budi")?.name == "budi")
        #expect(try await authenticator.removeUser(named: "budi"))
        #expect(try await authenticator.user(sessionToken: "session-budi") == nil)
    }

    @Test func signingInAndOutWithACookie() async throws {
        let (harness, _) = try await Self.hall()
        try await harness.run { client in
            let wrong = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "salah-sekali"}"#, as: .none)
            #expect(wrong.status == .unauthorized && wrong.errorCode == "login_failed")
            let right = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "kata-sandi-siti"}"#, as: .none)
            #expect(right.status == .ok && right["role"] as? String == "staff")
            let cookie = try #require(right.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP on the LAN: a Secure cookie would never come back")
            let token = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
            let me = try await client.send(.get, "/api/me", as: .session(token))
            #expect((me["user"] as? [String: Any])?["name"] as? String == "siti")
            #expect(try await client.send(.post, "/api/counters/2/pause", as: .session(token)).status == .ok)
            let out = try await client.send(.post, "/api/logout", as: .session(token))
            #expect(out.status == .noContent && out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.send(.post, "/api/counters/2/open", as: .session(token))
            #expect(after.status == .unauthorized && after.errorCode == "session_expired")
            #expect(try await client.send(.get, "/api/me", as: .none).errorCode == "not_logged_in")
        }
    }

    @Test func sessionsExpireAfterAWorkingDay() async throws {
        let (harness, _) = try await Self.hall()
        try await harness.run { client in
            let login = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "kata-sandi-siti"}"#, as: .none)
            let token = String(try #require(login.headers[.setCookie]).split(separator: ";")[0].dropFirst("panggil_session=".count))
            harness.clock.advance(by: 12 * 3600 - 60)
            #expect(try await client.send(.post, "/api/counters/2/pause", as: .session(token)).status == .ok)
            harness.clock.advance(by: 120)
            let late = try await client.send(.post, "/api/counters/2/open", as: .session(token))
            #expect(late.status == .unauthorized && late.errorCode == "session_expired")
        }
    }

    @Test func repeatedFailedSignInsAreThrottled() async throws {
        let (harness, _) = try await Self.hall()
        try await harness.run { client in
            for _ in 0..<5 {
                let reply = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "tebakan-salah"}"#, as: .none)
                #expect(reply.status == .unauthorized)
            }
            // Even the right password waits now: otherwise guessing would simply go on.
            let locked = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "kata-sandi-siti"}"#, as: .none)
            #expect(locked.status == .tooManyRequests && locked.errorCode == "too_many_attempts")
            let wait = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...30).contains(wait))
            harness.clock.advance(by: Double(wait) + 1)
            let later = try await client.send(.post, "/api/login", #"{"name": "siti", "password": "kata-sandi-siti"}"#, as: .none)
            #expect(later.status == .ok)
        }
    }

    @Test func aRevokedTokenStopsWorkingAtOnce() async throws {
        let (harness, credentials) = try await Self.hall()
        let kiosk = credentials[.kiosk]!
        try await harness.run { client in
            #expect(try await client.send(.post, "/api/tickets", #"{"service": "A"}"#, as: kiosk).status == .created)
            let devices = try await client.execute(uri: "/api/devices", method: .get, headers: Credentials.admin.headers) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            #expect(devices.allSatisfy { $0["token"] == nil }, "a token is shown only when it is made")
            #expect(devices.allSatisfy { ($0["createdAt"] as? String)?.hasSuffix("+07:00") == true }, "times in the site's offset")
            let id = try #require(devices.first { $0["name"] as? String == "kios-1" }?["id"] as? Int)
            #expect(try await client.send(.delete, "/api/devices/\(id)").status == .ok)
            let refused = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#, as: kiosk)
            #expect(refused.status == .unauthorized && refused.errorCode == "session_expired")
        }
    }

    @Test func publicPagesAndStreamsNeedNoSignIn() async throws {
        let (harness, _) = try await Self.hall()
        try await harness.run { client in
            for path in ["/api/board", "/healthz", "/api/displays", "/api/broadcasts", "/d/lobi", "/layouts/shared/panggil.js"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
        }
    }
}

@Suite("Login throttle")
struct LoginThrottleTests {
    @Test func lockoutsDoubleAndAgeOut() {
        var throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<5 {
            #expect(throttle.retryAfter(["name:siti"], now: start) == nil)
            throttle.failed(["name:siti"], now: start.addingTimeInterval(Double(i)))
        }
        let t = start.addingTimeInterval(4)
        #expect(throttle.retryAfter(["name:siti"], now: t) == 30)
        #expect(throttle.retryAfter(["name:budi"], now: t) == nil, "other names are not locked")
        throttle.failed(["name:siti"], now: t.addingTimeInterval(31))
        #expect(throttle.retryAfter(["name:siti"], now: t.addingTimeInterval(31)) == 60)
        #expect(throttle.retryAfter(["name:siti"], now: t.addingTimeInterval(31 + 15 * 60)) == nil, "old failures age out")
        throttle.succeeded("name:siti")
        #expect(throttle.retryAfter(["name:siti"], now: t.addingTimeInterval(32)) == nil)
    }
}
