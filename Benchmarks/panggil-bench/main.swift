// Store benchmarks for issue 2, printed as plain figures:
//   1. a bare SQLite loop of single-row commits (WAL, synchronous=FULL) on the same disk: the sync limit;
//   2. call-next from 30 counters at once through the real store, with the same settings;
//   3. another process's commit → the event seen by this process's feed (the server's path).
//
//   swift run -c release panggil-bench [--dir DIR] [--tickets N] [--commits N]

import BenchSupport
import Foundation
import GRDB
import PanggilCore
import PanggilStore
#if canImport(Glibc)
import Glibc
#endif

func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }

func benchSite(counters: Int) -> Site {
    Site(name: "Bench", timeZone: TimeZone(identifier: "Asia/Jakarta")!,
         agencies: [Agency(id: "x", name: "X")],
         services: ["A", "B", "C"].map { Service(code: $0, name: "Layanan \($0)", agency: "x") },
         counters: (1...counters).map { Counter(number: $0, zone: "z", services: ["A", "B", "C"]) },
         zones: [Zone(id: "z", name: "Z", sink: "z")])
}

// MARK: - Child: the other process of benchmark 3

if CommandLine.arguments.contains("--child-writer") {
    let path = option("--child-writer", "")
    let count = Int(option("--count", "300"))!
    let store = try SQLiteQueueStore(path: path, site: benchSite(counters: 1))
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<count {
        // Irregular gaps, so that commits do not line up with the reader's polls.
        try await Task.sleep(for: .microseconds(Int.random(in: 2_000...15_000, using: &generator)))
        let ticket = try await store.issue(service: "A", priority: false, by: .system)
        print("\(ticket.id) \(monotonicNanos())")
    }
    exit(0)
}

let directory = URL(fileURLWithPath: option("--dir", "data/bench"))
try? FileManager.default.removeItem(at: directory)
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let tickets = Int(option("--tickets", "6000"))!
let bareCommits = Int(option("--commits", "3000"))!
let sqliteVersion = try DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") ?? "?" }
print("Panggil store benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, SQLite \(sqliteVersion), files in \(directory.path)")

// MARK: 1. Bare loop

func bareLoop(commits: Int) throws -> (rate: Double, latencies: [Double]) {
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let db = try DatabaseQueue(path: directory.appendingPathComponent("bare.sqlite").path, configuration: configuration)
    try db.writeWithoutTransaction { db in
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, v TEXT NOT NULL)")
    }
    var latencies: [Double] = []
    let start = monotonicNanos()
    for n in 0..<commits {
        let t0 = monotonicNanos()
        try db.write { db in
            try db.execute(sql: "INSERT INTO t (at, v) VALUES (?, ?)", arguments: [n, "ticket.called"])
        }
        latencies.append(Double(monotonicNanos() - t0) / 1e6)
    }
    return (Double(commits) / (Double(monotonicNanos() - start) / 1e9), latencies.sorted())
}

let bare = try bareLoop(commits: bareCommits)
print("""

1. Bare SQLite loop, one INSERT per commit, WAL + synchronous=FULL (\(bareCommits) commits)
   \(String(format: "%.0f", bare.rate)) commits/s   p50 \(ms(percentile(bare.latencies, 50)))   p99 \(ms(percentile(bare.latencies, 99)))
""")

// MARK: 2. call-next from 30 counters

let counters = 30

/// A store with `tickets` waiting across three services and every counter open.
func preparedStore(_ name: String) async throws -> SQLiteQueueStore {
    let store = try SQLiteQueueStore(path: directory.appendingPathComponent(name).path, site: benchSite(counters: counters))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<counters {
            group.addTask {
                for n in stride(from: worker, to: tickets, by: counters) {
                    _ = try await store.issue(service: ["A", "B", "C"][n % 3], priority: n % 10 == 0, by: .system)
                }
            }
        }
        try await group.waitForAll()
    }
    for counter in 1...counters { _ = try await store.setCounter(counter, to: .open, by: .system) }
    return store
}

func serve(_ store: SQLiteQueueStore, _ ticket: Ticket) async throws {
    _ = try await store.start(.id(ticket.id), by: .system)
    _ = try await store.complete(.id(ticket.id), by: .system)
}

// 2a. Rounds: all 30 counters press call-next at the same instant; then each serves its ticket
// (start and complete, not timed) before the next round. The rate is calls over the time spent calling.
let rounds = try await preparedStore("callnext-rounds.sqlite")
var roundCalls: [Double] = []
var callingNanos: UInt64 = 0
for _ in 0..<(tickets / counters) {
    let roundStart = monotonicNanos()
    let called = try await withThrowingTaskGroup(of: (Ticket, Double).self) { group in
        for counter in 1...counters {
            group.addTask {
                let t0 = monotonicNanos()
                let ticket = try await rounds.callNext(counter: counter, by: .system)
                return (ticket, Double(monotonicNanos() - t0) / 1e6)
            }
        }
        var all: [(Ticket, Double)] = []
        for try await result in group { all.append(result) }
        return all
    }
    callingNanos += monotonicNanos() - roundStart
    roundCalls += called.map(\.1)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (ticket, _) in called { group.addTask { try await serve(rounds, ticket) } }
        try await group.waitForAll()
    }
}
roundCalls.sort()
let roundRate = Double(roundCalls.count) / (Double(callingNanos) / 1e9)

// 2b. Sustained: every counter loops call-next, start, complete as fast as it can; all three commands
// share the writer, so call-next gets a third of it.
let sustained = try await preparedStore("callnext-sustained.sqlite")
let runStart = monotonicNanos()
let perCounter = try await withThrowingTaskGroup(of: [Double].self) { group in
    for counter in 1...counters {
        group.addTask {
            var calls: [Double] = []
            while true {
                let t0 = monotonicNanos()
                let ticket: Ticket
                do {
                    ticket = try await sustained.callNext(counter: counter, by: .system)
                } catch let error as QueueError where error.code == .queueEmpty {
                    return calls
                }
                calls.append(Double(monotonicNanos() - t0) / 1e6)
                try await serve(sustained, ticket)
            }
        }
    }
    var all: [[Double]] = []
    for try await result in group { all.append(result) }
    return all
}
let runSeconds = Double(monotonicNanos() - runStart) / 1e9
let calls = perCounter.flatMap { $0 }.sorted()
let callRate = Double(calls.count) / runSeconds
let commandRate = Double(calls.count * 3) / runSeconds
print("""

2. call-next through the store, \(counters) counters at once, WAL + synchronous=FULL, every command durable before it returns
   a. all counters call at once, then serve (\(roundCalls.count) calls in \(tickets / counters) rounds)
      \(String(format: "%.0f", roundRate)) call-next/s   p50 \(ms(percentile(roundCalls, 50)))   p99 \(ms(percentile(roundCalls, 99)))
      vs bare loop: \(String(format: "%.2f", roundRate / bare.rate))× (target ≥ 1000/s and ≥ 0.67×: \(roundRate >= 1000 && roundRate >= bare.rate * 2 / 3 ? "met" : "NOT met"))
   b. each counter loops call-next → start → complete (\(calls.count) calls)
      \(String(format: "%.0f", callRate)) call-next/s   p50 \(ms(percentile(calls, 50)))   p99 \(ms(percentile(calls, 99)))
      \(String(format: "%.0f", commandRate)) commands/s in all, \(String(format: "%.2f", commandRate / bare.rate))× the bare loop
""")

// Sequential: one counter alone, so that each call pays its own sync.
let alone = try SQLiteQueueStore(path: directory.appendingPathComponent("alone.sqlite").path, site: benchSite(counters: 1))
for _ in 0..<500 { _ = try await alone.issue(service: "A", priority: false, by: .system) }
_ = try await alone.setCounter(1, to: .open, by: .system)
var single: [Double] = []
for _ in 0..<500 {
    let t0 = monotonicNanos()
    let ticket = try await alone.callNext(counter: 1, by: .system)
    single.append(Double(monotonicNanos() - t0) / 1e6)
    _ = try await alone.start(.id(ticket.id), by: .system)
    _ = try await alone.complete(.id(ticket.id), by: .system)
}
single.sort()
print("   c. one counter alone: call-next p50 \(ms(percentile(single, 50)))   p99 \(ms(percentile(single, 99)))")

// MARK: 3. Another process's commit → seen by this process's feed

let feedPath = directory.appendingPathComponent("feed.sqlite").path
let reader = try SQLiteQueueStore(path: feedPath, site: benchSite(counters: 1))
let commits = Int(option("--feed-commits", "300"))!
// Detached: the main actor blocks below reading the child's output.
let seenTask = Task.detached {
    var seen: [Int64: UInt64] = [:]
    for try await event in reader.feed(after: 0) {
        if let id = event.ticket?.id { seen[id] = monotonicNanos() }
        if seen.count == commits { break }
    }
    return seen
}
let child = Process()
child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
child.arguments = ["--child-writer", feedPath, "--count", "\(commits)"]
let pipe = Pipe()
child.standardOutput = pipe
try child.run()
let output = String(decoding: try pipe.fileHandleForReading.readToEnd() ?? Data(), as: UTF8.self)
child.waitUntilExit()
let seen = try await seenTask.value
var lags: [Double] = []
for line in output.split(separator: "\n") {
    let parts = line.split(separator: " ")
    guard parts.count == 2, let id = Int64(parts[0]), let committed = UInt64(parts[1]), let at = seen[id] else { continue }
    // The commit becomes visible before the writer's call returns, so the feed may even be first: count that as 0.
    lags.append(at > committed ? Double(at - committed) / 1e6 : 0)
}
lags.sort()
print("""

3. Another process commits (\(lags.count) of \(commits) matched) → event in this process's feed (woken by inotify on the file; 1 s safety poll)
   p50 \(ms(percentile(lags, 50)))   p99 \(ms(percentile(lags, 99)))   max \(ms(lags.last ?? .nan))   (target p99 ≤ 50 ms: \(percentile(lags, 99) <= 50 ? "met" : "NOT met"))
""")
