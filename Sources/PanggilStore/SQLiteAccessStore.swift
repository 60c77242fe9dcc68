import Foundation
import GRDB
import PanggilCore

/// Users, devices and sessions in the queue store's file (tables of migration v4).
public struct SQLiteAccessStore: AccessStore {
    let pool: DatabasePool
    /// A read-only connection of its own for the lookups every request makes (its session or device),
    /// answered in place: through the pool, the two thread hops of a read cost a request more than
    /// half a millisecond on a small server, several times the lookup itself.
    let lookups: DatabaseQueue

    public func saveUser(_ user: User, passwordHash: String?) async throws {
        let counters = "[" + user.counters.map(String.init).joined(separator: ",") + "]"
        try await pool.write { db in
            if let passwordHash {
                try db.execute(sql: """
                    INSERT INTO users (name, role, password_hash, counters, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
                                                     counters = excluded.counters
                    """, arguments: [user.name, user.role.rawValue, passwordHash, counters, Date().millis])
            } else {
                try db.execute(sql: "UPDATE users SET role = ?, counters = ? WHERE name = ?",
                               arguments: [user.role.rawValue, counters, user.name])
                guard db.changesCount == 1 else { throw AccessError(.notFound, "Pengguna '\(user.name)' tidak ada.") }
            }
        }
    }

    public func user(named name: String) async throws -> StoredUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(StoredUser.init(row:))
        }
    }

    public func users() async throws -> [User] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map { try StoredUser(row: $0).user }
        }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }

    public func addDevice(name: String, kind: Device.Kind, tokenHash: String, at: Date) async throws -> Device {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM devices WHERE name = ? AND revoked_at IS NULL", arguments: [name]) == true {
                throw AccessError(.nameTaken, "Perangkat '\(name)' sudah ada; cabut dulu tokennya atau pakai nama lain.")
            }
            try db.execute(sql: "INSERT INTO devices (name, kind, token_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, kind.rawValue, tokenHash, at.millis])
            return Device(id: db.lastInsertedRowID, name: name, kind: kind, createdAt: at.storable)
        }
    }

    public func device(tokenHash: String) async throws -> Device? {
        try lookups.inDatabase { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM devices WHERE token_hash = ?"), arguments: [tokenHash])
                .map(Device.init(row:))
        }
    }

    public func devices() async throws -> [Device] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY id").map(Device.init(row:))
        }
    }

    public func revokeDevice(id: Int64, at: Date) async throws -> Device? {
        try await pool.write { db in
            try db.execute(sql: "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at.millis, id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE id = ?", arguments: [id]).map(Device.init(row:))
        }
    }

    public func startSession(tokenHash: String, user: String, at: Date, expiresAt: Date) async throws {
        try await pool.write { db in
            // Expired sessions go whenever a new one starts: the table never grows beyond the day's.
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [at.millis])
            try db.execute(sql: "INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, user, at.millis, expiresAt.millis])
        }
    }

    public func session(tokenHash: String) async throws -> (user: User, expiresAt: Date)? {
        try lookups.inDatabase { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT users.*, sessions.expires_at FROM sessions JOIN users ON users.name = sessions.user
                WHERE sessions.token_hash = ?
                """), arguments: [tokenHash])
                .map { (try StoredUser(row: $0).user, Date(millis: $0["expires_at"])) }
        }
    }

    public func endSession(tokenHash: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func endSessions(user: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [user]) }
    }
}

extension SQLiteQueueStore {
    /// Users, devices and sessions, in the same file.
    public var access: SQLiteAccessStore { SQLiteAccessStore(pool: pool, lookups: lookups) }
}

extension StoredUser {
    init(row: Row) throws {
        let name: String = row["name"]
        let countersText: String = row["counters"]
        guard let role = Role(rawValue: row["role"]), let counters = Self.counters(countersText) else {
            throw StoreCorruption("user \(name) has role '\(row["role"] ?? "")' or counters '\(countersText)'")
        }
        self.init(user: User(name: name, role: role, counters: counters), passwordHash: row["password_hash"])
    }

    /// `[1,2,3]`, as `saveUser` writes it; read by hand because it is read on every request.
    private static func counters(_ text: String) -> [Int]? {
        let inner = text.trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("["), inner.hasSuffix("]") else { return nil }
        let items = inner.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        if items.count == 1, items[0].allSatisfy(\.isWhitespace) { return [] }
        var counters: [Int] = []
        for item in items {
            guard let number = Int(item.trimmingCharacters(in: .whitespaces)) else { return nil }
            counters.append(number)
        }
        return counters
    }
}

extension Device {
    init(row: Row) throws {
        let id: Int64 = row["id"]
        guard let kind = Device.Kind(rawValue: row["kind"]) else {
            throw StoreCorruption("device \(id) has kind '\(row["kind"] ?? "")'")
        }
        self.init(id: id, name: row["name"], kind: kind, createdAt: Date(millis: row["created_at"]),
                  revokedAt: (row["revoked_at"] as Int64?).map(Date.init(millis:)))
    }
}
