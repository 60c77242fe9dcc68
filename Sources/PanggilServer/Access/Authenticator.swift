import Crypto
import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix
import PanggilCore

/// Signs people in and recognises them afterwards: passwords checked against bcrypt hashes, session
/// and device tokens looked up by their SHA-256, failed sign-ins throttled.
public final class Authenticator: Sendable {
    public struct Settings: Sendable {
        /// A working day: staff sign in in the morning and are not asked again before closing.
        public var sessionLifetime: TimeInterval = 12 * 3600
        /// bcrypt's work factor: about a quarter of a second per check on a small server.
        public var bcryptCost: UInt8 = 11
        public var throttle = LoginThrottle()
        /// How long a session or device token, once looked up, is taken on trust. A change made through
        /// this server counts at once; one made by another process (a `panggil user` command) counts
        /// after at most this long.
        public var recheckAfter: Duration = .seconds(2)

        public init() {}
    }

    public let access: any AccessStore
    private let settings: Settings
    private let now: @Sendable () -> Date
    private let throttle: NIOLockedValueBox<LoginThrottle>
    private let recognised = NIOLockedValueBox(Recognised())

    /// Sessions and devices looked up lately, by their token: a counter calling all day, or a kiosk
    /// issuing tickets, would otherwise read the database for its credentials on every request, which
    /// on a small server costs a call a quarter of a millisecond.
    private struct Recognised: Sendable {
        struct Entry<Value: Sendable>: Sendable {
            var value: Value
            var checked: ContinuousClock.Instant
        }

        var sessions: [String: Entry<(user: User, expiresAt: Date)>] = [:]
        var devices: [String: Entry<Device>] = [:]
        /// Raised by every change, so that a lookup that began before it does not keep what it read.
        var generation: UInt64 = 0
        static let limit = 10_000

        mutating func forgetAll() {
            sessions = [:]
            devices = [:]
            generation &+= 1
        }
    }

    public init(access: any AccessStore, settings: Settings = Settings(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.access = access
        self.settings = settings
        self.now = now
        throttle = NIOLockedValueBox(settings.throttle)
    }

    public var sessionLifetime: TimeInterval { settings.sessionLifetime }

    /// A bcrypt hash of a password, computed off the concurrency threads (it takes a while on purpose).
    public func hashPassword(_ password: String) async throws -> String {
        let cost = settings.bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// A new random token: 32 bytes from the system's secure generator, URL-safe.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func tokenHash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    public enum LoginResult: Sendable {
        case signedIn(User, token: String, expiresAt: Date)
        case refused
        case throttled(retryAfter: TimeInterval)
    }

    /// Checks a name and password; `client` is the caller's address. Every failure, even for a name
    /// that does not exist, costs a bcrypt check, so the answer's timing says nothing about names.
    public func login(name: String, password: String, client: String) async throws -> LoginResult {
        let keys = ["name:" + name.lowercased(), "address:" + client]
        let start = now()
        if let wait = throttle.withLockedValue({ $0.retryAfter(keys, now: start) }) {
            return .throttled(retryAfter: wait)
        }
        let stored = try await access.user(named: name)
        let hash = stored?.passwordHash ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let stored, matches else {
            throttle.withLockedValue { $0.failed(keys, now: start) }
            return .refused
        }
        throttle.withLockedValue { $0.succeeded(keys[0]) }
        let token = Self.newToken()
        let expiresAt = now().addingTimeInterval(settings.sessionLifetime)
        try await access.startSession(tokenHash: Self.tokenHash(token), user: stored.user.name, at: now(), expiresAt: expiresAt)
        return .signedIn(stored.user, token: token, expiresAt: expiresAt)
    }

    /// A hash of nothing anyone can type, checked when the name is unknown.
    private static let decoyHash = Bcrypt.hash(newToken(), cost: 11)

    /// The user behind a session token, if the session is live.
    public func user(sessionToken token: String) async throws -> User? {
        let session = try await recognise(token, \.sessions) { try await access.session(tokenHash: Self.tokenHash(token)) }
        guard let session, session.expiresAt > now() else { return nil }
        return session.user
    }

    /// The device behind a bearer token, unless it was revoked.
    public func device(token: String) async throws -> Device? {
        let device = try await recognise(token, \.devices) { try await access.device(tokenHash: Self.tokenHash(token)) }
        guard let device, device.revokedAt == nil else { return nil }
        return device
    }

    /// What `token` stands for: as looked up within `recheckAfter`, or else from `lookUp`, then kept
    /// unless a change was made meanwhile.
    private func recognise<Value: Sendable>(_ token: String, _ known: WritableKeyPath<Recognised, [String: Recognised.Entry<Value>]>,
                                  lookUp: () async throws -> Value?) async throws -> Value? {
        let checked = ContinuousClock.now
        let (entry, generation) = recognised.withLockedValue { ($0[keyPath: known][token], $0.generation) }
        if let entry, checked - entry.checked < settings.recheckAfter { return entry.value }
        guard let value = try await lookUp() else { return nil }
        recognised.withLockedValue { recognised in
            guard recognised.generation == generation else { return }
            if recognised[keyPath: known].count >= Recognised.limit { recognised[keyPath: known] = [:] }
            recognised[keyPath: known][token] = Recognised.Entry(value: value, checked: checked)
        }
        return value
    }

    public func logout(sessionToken token: String) async throws {
        try await changing { try await access.endSession(tokenHash: Self.tokenHash(token)) }
    }

    /// Removes a user and ends their sessions; false if there was no such user.
    public func removeUser(named name: String) async throws -> Bool {
        try await changing { try await access.removeUser(named: name) }
    }

    /// Revokes a device's token at once; nil if there is no such device or it was revoked already.
    public func revokeDevice(id: Int64) async throws -> Device? {
        try await changing { try await access.revokeDevice(id: id, at: now()) }
    }

    /// A change to users, sessions or devices: what was looked up before it is looked up again, and so
    /// is anything looked up while it was being made.
    private func changing<T>(_ change: () async throws -> T) async throws -> T {
        recognised.withLockedValue { $0.forgetAll() }
        defer { recognised.withLockedValue { $0.forgetAll() } }
        return try await change()
    }

    /// Registers a device and returns its token, which is shown once and stored only as a hash.
    public func addDevice(name: String, kind: Device.Kind) async throws -> (Device, token: String) {
        guard User.isValidName(name) else {
            throw AccessError(.invalidName, "Nama perangkat '\(name)' tidak valid: huruf kecil, angka, '.', '_' atau '-'.")
        }
        let token = Self.newToken()
        let device = try await access.addDevice(name: name, kind: kind, tokenHash: Self.tokenHash(token), at: now())
        return (device, token)
    }

    /// Adds or changes a user after checking the name and counters against the site.
    public func saveUser(_ user: User, password: String?, site: Site) async throws {
        guard User.isValidName(user.name) else {
            throw AccessError(.invalidName, "Nama pengguna '\(user.name)' tidak valid: huruf kecil, angka, '.', '_' atau '-'.")
        }
        for counter in user.counters where site.counter(counter) == nil {
            throw AccessError(.unknownCounter, "Loket \(counter) tidak ada di situs ini.")
        }
        if user.role == .staff, user.counters.isEmpty {
            throw AccessError(.counterlessStaff, "Petugas harus terikat ke minimal satu loket.")
        }
        var hash: String?
        if let password { hash = try await hashPassword(password) }
        try await changing {
            try await access.saveUser(user, passwordHash: hash)
            // A new password ends the sessions signed in with the old one.
            if hash != nil { try await access.endSessions(user: user.name) }
        }
    }
}
