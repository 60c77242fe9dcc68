import Foundation
import GRDB
import PanggilCore
import PanggilTesting
@testable import PanggilStore

func makeStore(_ site: Site = Fixtures.smallSite, clock: any WallClock = ManualClock(Fixtures.wib("2026-11-30 09:00")),
               path: String = Fixtures.temporaryStorePath()) throws -> SQLiteQueueStore {
    try SQLiteQueueStore(path: path, site: site, clock: clock)
}

let staff = EventActor("user:uji")

/// The citizen comes to the counter and is served: start, then complete.
func serve(_ store: SQLiteQueueStore, _ id: Int64) async throws {
    _ = try await store.start(.id(id), by: staff)
    _ = try await store.complete(.id(id), by: staff)
}

/// Every row of every table, to prove that a refused command changed nothing.
func dump(_ store: SQLiteQueueStore) throws -> String {
    let db = try DatabaseQueue(path: store.path)
    return try db.read { db in
        try ["tickets", "counters", "events"].map { table in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map(\.description).joined(separator: "\n")
        }.joined(separator: "\n--\n")
    }
}

func allEvents(_ store: SQLiteQueueStore) async throws -> [QueueEvent] {
    try await store.events(after: 0, limit: 1_000_000)
}

