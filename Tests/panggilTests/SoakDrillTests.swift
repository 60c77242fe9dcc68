import Foundation
import PanggilTesting
import Testing

/// Reliability drill: a whole day at accelerated speed against `panggil serve` — 3,000 tickets issued
/// and worked through at 20 counters while 10 displays follow. Resident memory and open descriptors
/// must level off (no leak), and the daily report must agree with the simulation's own count.
@Suite("Drill: a simulated day", .serialized)
struct SoakDrillTests {
    static let siteYAML: String = {
        var yaml = """
            name: Hall Sehari
            enforce_hours: false
            zones: [{id: z1, name: Lantai 1, sink: z1}, {id: z2, name: Lantai 2, sink: z2}]
            agencies: [{id: x, name: Instansi X}]
            services: [{code: A, name: Layanan A, agency: x}, {code: B, name: Layanan B, agency: x}, {code: C, name: Layanan C, agency: x}]
            counters:

            """
        for number in 1...20 { yaml += "  - {number: \(number), zone: z\(number % 2 + 1), services: [A, B, C]}\n" }
        return yaml
    }()

    /// What the simulation did, to compare with the report.
    struct Tally {
        var issued = 0
        var served = 0
        var noShow = 0
        mutating func add(_ other: Tally) { issued += other.issued; served += other.served; noShow += other.noShow }
    }

    struct Client: Sendable {
        let port: Int
        let cookie: String

        func send(_ method: String, _ path: String, _ body: String = "") async throws -> (Int, [String: Any]) {
            let reply = try await http(method == "GET" ? .GET : .POST, port: port, path, body: method == "GET" ? nil : body, cookie: cookie)
            return (reply.status, reply.json)
        }
    }

    /// One stretch of the day: `tickets` issued by four workers, each working its five counters.
    static func work(_ client: Client, tickets: Int, worker: Int) async throws -> Tally {
        var tally = Tally()
        let counters = (1...20).filter { $0 % 4 == worker }
        for n in 0..<tickets {
            let (issued, _) = try await client.send("POST", "/api/tickets", #"{"service": "\#(["A", "B", "C"][n % 3])"}"#)
            if issued == 201 { tally.issued += 1 }
            let counter = counters[n % counters.count]
            let (called, ticket) = try await client.send("POST", "/api/counters/\(counter)/call-next")
            guard called == 200, let id = ticket["id"] as? Int else { continue }
            if n % 10 == 9 {
                if try await client.send("POST", "/api/tickets/\(id)/no-show").0 == 200 { tally.noShow += 1 }
            } else {
                _ = try await client.send("POST", "/api/tickets/\(id)/start")
                if try await client.send("POST", "/api/tickets/\(id)/complete").0 == 200 { tally.served += 1 }
            }
        }
        return tally
    }

    static func residentKilobytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    @Test func aWholeDayLeavesNoLeakAndTheReportAgreesWithIt() async throws {
        let directory = Fixtures.temporaryDirectory()
        let (server, cookie) = try await RunningServer.withAdmin(site: Self.siteYAML, in: directory, password: "kata-sandi-sehari")
        defer { server.stop() }
        let pid = server.process.pid
        let clients = (0..<4).map { _ in Client(port: server.port, cookie: cookie) }
        for number in 1...20 { _ = try await clients[0].send("POST", "/api/counters/\(number)/open") }
        let displays = try (0..<10).map { _ in try StreamClient(port: server.port, path: "/api/events") }
        for display in displays { #expect(await display.wait { $0.contains("event: snapshot") }) }

        // Before any ticket, for the record: the morning then fills the store's pool of reader
        // connections (two descriptors each) and the client's pool of kept-open connections.
        let baseline = (memory: Self.residentKilobytes(pid), descriptors: Self.openDescriptors(pid))

        // Morning, afternoon, evening: 1,000 tickets each. Memory and descriptors are read after each.
        var tally = Tally()
        var memory: [Int] = [], descriptors: [Int] = []
        for _ in 0..<3 {
            let part = try await withThrowingTaskGroup(of: Tally.self) { group in
                for worker in 0..<4 { group.addTask { try await Self.work(clients[worker], tickets: 250, worker: worker) } }
                return try await group.reduce(into: Tally()) { $0.add($1) }
            }
            tally.add(part)
            try await Task.sleep(for: .milliseconds(500))
            memory.append(Self.residentKilobytes(pid))
            descriptors.append(Self.openDescriptors(pid))
        }
        print("soak drill: \(tally.issued) tickets issued, \(tally.served) served, \(tally.noShow) absent; server resident memory \(baseline.memory / 1024) MB before, then after each third \(memory.map { "\($0 / 1024) MB" }.joined(separator: ", ")); open descriptors \(baseline.descriptors) before, then \(descriptors)")
        #expect(tally.issued == 3_000)
        // Caches fill during the morning; after that the server must not keep growing.
        #expect(memory[2] - memory[1] < 8 * 1024, "resident memory grew \(memory[2] - memory[1]) KB in the last third")
        // Once the pools are full (after the morning) the count must stay put; the four workers'
        // keep-alive connections still come and go by a few. A leak would be one per request or per
        // ticket, hundreds here.
        #expect(descriptors[2] <= descriptors[0] + 4, "descriptors \(baseline.descriptors) before, then \(descriptors)")

        // Every display followed the whole day; the report counts what the simulation did.
        let latest = try #require(try await clients[0].send("GET", "/healthz").1["seq"] as? Int)
        for display in displays {
            #expect(await display.wait(timeout: .seconds(20)) { text in parseEvents(text).last?.id == String(latest) })
            let ids = parseEvents(String(decoding: display.body, as: UTF8.self)).filter { $0.type != "snapshot" }.compactMap { $0.id.flatMap(Int.init) }
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 + 1 == $1 }, "a display missed or repeated an event")
        }
        let (status, report) = try await clients[0].send("GET", "/api/reports/daily")
        #expect(status == 200)
        let hall = try #require(report["hall"] as? [String: Any])
        #expect(hall["issued"] as? Int == tally.issued && hall["served"] as? Int == tally.served && hall["noShow"] as? Int == tally.noShow)
    }
}
