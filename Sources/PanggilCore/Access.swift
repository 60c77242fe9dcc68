import Foundation

/// What a person may do in Panggil.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything: counters, broadcasts, users and devices.
    case admin
    /// Runs the hall: issues tickets and reads reports; does not act at counters or broadcast.
    case supervisor
    /// Works at the counters named in their account, and only there.
    case staff
}

/// A person who signs in with a name and a password.
public struct User: Sendable, Equatable {
    /// The sign-in name: lowercase letters, digits, `.`, `_` or `-`.
    public var name: String
    public var role: Role
    /// The counters a staff member may act at; ignored for other roles.
    public var counters: [Int]

    public init(name: String, role: Role, counters: [Int] = []) {
        self.name = name
        self.role = role
        self.counters = counters
    }

    public static func isValidName(_ name: String) -> Bool {
        (1...40).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}

/// A machine with a token: a ticket kiosk, or another system that issues tickets.
public struct Device: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case kiosk
        case integration
    }

    public var id: Int64
    public var name: String
    public var kind: Kind
    public var createdAt: Date
    /// Set once revoked; a revoked token is refused at once.
    public var revokedAt: Date?

    public init(id: Int64, name: String, kind: Kind, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Who a request comes from, once its session cookie or bearer token has been checked.
public enum Principal: Sendable, Equatable {
    case user(User)
    case device(Device)

    /// How the event log names them.
    public var actor: EventActor {
        switch self {
        case .user(let user): EventActor("user:\(user.name)")
        case .device(let device): EventActor("device:\(device.name)")
        }
    }
}

/// Something that needs permission. Lifecycle steps name where the ticket is: a ticket at a counter
/// is that counter's business; a ticket without one (waiting, no-show) belongs to the counters that
/// serve its service.
public enum Permission: Sendable, Equatable {
    /// Issue a ticket (kiosk, integration, staff, supervisor, admin).
    case issueTicket
    /// Call, open, pause or close at a counter.
    case counter(Int)
    /// A lifecycle step on a ticket held by `counter`, or, when it has none, in `service`.
    case ticket(counter: Int?, service: String)
    /// Start or end a notice or an emergency.
    case broadcast
    /// Add or change users and devices.
    case manageAccess
    /// Read the daily and monthly reports (figures about staff's work, so not public).
    case readReports
    /// See which screens follow the stream, and from which addresses.
    case watchScreens
}

extension Principal {
    /// Whether this principal may do `permission` in `site`.
    public func may(_ permission: Permission, in site: Site) -> Bool {
        switch self {
        case .device:
            // Devices only issue tickets; whatever else a stolen kiosk token is tried on, it fails.
            return permission == .issueTicket
        case .user(let user):
            switch user.role {
            case .admin:
                return true
            case .supervisor:
                return permission == .issueTicket || permission == .readReports || permission == .watchScreens
            case .staff:
                switch permission {
                case .issueTicket:
                    return true
                case .counter(let number):
                    return user.counters.contains(number)
                case .ticket(let counter?, _):
                    return user.counters.contains(counter)
                case .ticket(nil, let service):
                    return user.counters.contains { site.counter($0)?.services.contains(service) ?? false }
                case .broadcast, .manageAccess, .readReports, .watchScreens:
                    return false
                }
            }
        }
    }
}

/// A user as stored, with the bcrypt hash of their password.
public struct StoredUser: Sendable, Equatable {
    public var user: User
    public var passwordHash: String

    public init(user: User, passwordHash: String) {
        self.user = user
        self.passwordHash = passwordHash
    }
}

/// Users, device tokens and sign-in sessions. Tokens are kept only as hashes: a copy of the database
/// signs nobody in.
public protocol AccessStore: Sendable {
    /// Adds a user, or changes their role, counters and (when given) password hash.
    func saveUser(_ user: User, passwordHash: String?) async throws
    func user(named name: String) async throws -> StoredUser?
    func users() async throws -> [User]
    /// Removes a user and ends their sessions; false if there was none.
    func removeUser(named name: String) async throws -> Bool
    func addDevice(name: String, kind: Device.Kind, tokenHash: String, at: Date) async throws -> Device
    /// The device a token hash belongs to, revoked or not.
    func device(tokenHash: String) async throws -> Device?
    func devices() async throws -> [Device]
    /// Revokes a device's token; nil if there is no such active device.
    func revokeDevice(id: Int64, at: Date) async throws -> Device?
    func startSession(tokenHash: String, user: String, at: Date, expiresAt: Date) async throws
    /// The user and expiry of a session, if it exists and its user still does. Asked on every
    /// request a signed-in browser makes, so it is one indexed lookup.
    func session(tokenHash: String) async throws -> (user: User, expiresAt: Date)?
    func endSession(tokenHash: String) async throws
    /// Ends every session of a user (after a password change).
    func endSessions(user: String) async throws
}

/// Why a user or device could not be saved.
public struct AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidName = "invalid_name"
        case nameTaken = "name_taken"
        case unknownCounter = "unknown_counter"
        case counterlessStaff = "counterless_staff"
        case notFound = "not_found"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
