import Foundation
import Hummingbird
import PanggilCore

/// Finds who a request comes from: a browser's session cookie, or a device's `Authorization: Bearer`.
/// It never refuses anything itself; each protected route asks `authorize`, so that public pages and
/// streams stay open to everyone.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = PanggilRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", let device = try await authenticator.device(token: String(parts[1])) {
                context.principal = .device(device)
            } else {
                context.credentialsRejected = true
            }
        } else if let token = request.cookies[sessionCookie]?.value {
            if let user = try await authenticator.user(sessionToken: token) {
                context.principal = .user(user)
            } else {
                context.credentialsRejected = true
            }
        }
        return try await next(request, context)
    }
}

let sessionCookie = "panggil_session"

/// The signed-in user or device, or 401: `not_logged_in`, or `session_expired` for a session that
/// ended or a revoked token.
func signedIn(_ context: PanggilRequestContext) throws -> Principal {
    guard let principal = context.principal else {
        if context.credentialsRejected {
            throw APIError(.unauthorized, "session_expired", "Sesi Anda sudah berakhir atau token dicabut. Silakan masuk lagi.")
        }
        throw APIError(.unauthorized, "not_logged_in", "Silakan masuk terlebih dahulu.")
    }
    return principal
}

/// 401 for whoever is not signed in (or whose session ended), 403 for whoever is but may not.
func authorize(_ context: PanggilRequestContext, _ permission: Permission, site: Site) throws {
    guard try signedIn(context).may(permission, in: site) else {
        throw APIError(.forbidden, "forbidden", forbiddenMessage(permission))
    }
}

private func forbiddenMessage(_ permission: Permission) -> String {
    switch permission {
    case .issueTicket: "Akun ini tidak boleh menerbitkan tiket."
    case .counter(let number): "Anda tidak bertugas di loket \(number)."
    case .ticket(let counter?, _): "Tiket ini sedang di loket \(counter), bukan loket Anda."
    case .ticket(nil, let service): "Anda tidak melayani layanan \(service)."
    case .broadcast: "Hanya admin yang boleh menyiarkan pengumuman dan peringatan darurat."
    case .manageAccess: "Hanya admin yang boleh mengelola pengguna dan perangkat."
    case .readReports: "Hanya admin dan supervisor yang boleh melihat laporan."
    case .watchScreens: "Hanya admin dan supervisor yang boleh melihat layar yang tersambung."
    }
}

/// Sign-in, sign-out, and the users and devices an admin manages.
struct AccessAPI: Sendable {
    let authenticator: Authenticator
    let site: Site
    /// Times in the site's offset, like every other answer.
    let time: Timestamps

    init(authenticator: Authenticator, site: Site) {
        self.authenticator = authenticator
        self.site = site
        time = Timestamps(timeZone: site.timeZone)
    }

    func register(on router: Router<PanggilRequestContext>) {
        router.post("api/login") { request, context in
            let body = try await decode(LoginRequest.self, request, context)
            let client = context.remoteAddress?.ipAddress ?? "?"
            switch try await authenticator.login(name: body.name, password: body.password, client: client) {
            case .signedIn(let user, let token, _):
                var response = try JSONResponse(UserJSON(user)).response(from: request, context: context)
                let secure = request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
                response.headers[values: .setCookie].append(
                    "\(sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(authenticator.sessionLifetime))"
                        + (secure ? "; Secure" : ""))
                return response
            case .refused:
                throw APIError(.unauthorized, "login_failed", "Nama atau kata sandi salah.")
            case .throttled(let wait):
                let seconds = Int(wait.rounded(.up))
                throw APIError(.tooManyRequests, "too_many_attempts",
                               "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam \(seconds) detik.",
                               headers: [.retryAfter: "\(seconds)"])
            }
        }
        router.post("api/logout") { request, context in
            if let token = request.cookies[sessionCookie]?.value { try await authenticator.logout(sessionToken: token) }
            var response = Response(status: .noContent)
            response.headers[values: .setCookie].append("\(sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
            return response
        }
        router.get("api/me") { _, context in
            switch try signedIn(context) {
            case .user(let user): try JSONResponse(MeJSON(user: UserJSON(user), device: nil))
            case .device(let device): try JSONResponse(MeJSON(user: nil, device: DeviceJSON(device, time: time)))
            }
        }

        router.get("api/users") { _, context in
            try authorize(context, .manageAccess, site: site)
            return try JSONResponse(try await authenticator.access.users().map(UserJSON.init))
        }
        router.post("api/users") { request, context in
            try authorize(context, .manageAccess, site: site)
            let body = try await decode(UserRequest.self, request, context)
            guard let role = Role(rawValue: body.role) else {
                throw APIError.badRequest("invalid_role", "Peran '\(body.role)' tidak dikenal (pilih: admin, supervisor, staff).")
            }
            if let password = body.password, password.count < 8 {
                throw APIError.badRequest("weak_password", "Kata sandi minimal 8 karakter.")
            }
            let user = User(name: body.name, role: role, counters: body.counters ?? [])
            let exists = try await authenticator.access.user(named: user.name) != nil
            guard exists || body.password != nil else {
                throw APIError.badRequest("missing_field", "Kolom 'password' wajib diisi untuk pengguna baru.")
            }
            try await saving { try await authenticator.saveUser(user, password: body.password, site: site) }
            return try JSONResponse(UserJSON(user), status: exists ? .ok : .created)
        }
        router.delete("api/users/{name}") { _, context in
            try authorize(context, .manageAccess, site: site)
            let name = try context.parameters.require("name")
            guard try await authenticator.removeUser(named: name) else {
                throw APIError(.notFound, "user_not_found", "Pengguna '\(name)' tidak ada.")
            }
            return Response(status: .noContent)
        }

        router.get("api/devices") { _, context in
            try authorize(context, .manageAccess, site: site)
            return try JSONResponse(try await authenticator.access.devices().map { DeviceJSON($0, time: time) })
        }
        router.post("api/devices") { request, context in
            try authorize(context, .manageAccess, site: site)
            let body = try await decode(DeviceRequest.self, request, context)
            guard let kind = Device.Kind(rawValue: body.kind ?? "kiosk") else {
                throw APIError.badRequest("invalid_kind", "Jenis perangkat '\(body.kind ?? "")' tidak dikenal (pilih: kiosk, integration).")
            }
            let (device, token) = try await saving { try await authenticator.addDevice(name: body.name, kind: kind) }
            var json = DeviceJSON(device, time: time)
            json.token = token
            return try JSONResponse(json, status: .created)
        }
        router.delete("api/devices/{id}") { _, context in
            try authorize(context, .manageAccess, site: site)
            let text = try context.parameters.require("id")
            guard let id = Int64(text), let device = try await authenticator.revokeDevice(id: id) else {
                throw APIError(.notFound, "device_not_found", "Perangkat #\(text) tidak ada atau sudah dicabut.")
            }
            return try JSONResponse(DeviceJSON(device, time: time))
        }
    }

    /// Turns the store's refusals into 4xx answers.
    private func saving<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AccessError {
            let status: HTTPResponse.Status = switch error.code {
            case .notFound: .notFound
            case .nameTaken: .conflict
            case .invalidName, .unknownCounter, .counterlessStaff: .unprocessableContent
            }
            throw APIError(status, error.code.rawValue, error.message)
        }
    }
}

struct LoginRequest: Decodable {
    var name: String
    var password: String
}

struct UserRequest: Decodable {
    var name: String
    var role: String
    var counters: [Int]?
    var password: String?
}

struct DeviceRequest: Decodable {
    var name: String
    var kind: String?
}

struct UserJSON: Codable, Equatable {
    var name: String
    var role: String
    var counters: [Int]

    init(_ user: User) {
        name = user.name
        role = user.role.rawValue
        counters = user.counters
    }
}

struct DeviceJSON: Codable, Equatable {
    var id: Int64
    var name: String
    var kind: String
    var createdAt: String
    var revokedAt: String?
    /// Only in the answer that creates it: the token is never shown again.
    var token: String?

    init(_ device: Device, time: Timestamps) {
        id = device.id
        name = device.name
        kind = device.kind.rawValue
        createdAt = time(device.createdAt)
        revokedAt = device.revokedAt.map(time.callAsFunction)
    }
}

struct MeJSON: Codable, Equatable {
    var user: UserJSON?
    var device: DeviceJSON?
}
