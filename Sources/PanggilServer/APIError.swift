import Foundation
import Hummingbird
import Logging
import PanggilCore

/// An error answer: `{"error": {"code": "...", "message": "..."}}`. Codes are stable and English;
/// messages are Indonesian, for the officer or citizen who reads them.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ["error": ["code": code, "message": message]]
        var response = try JSONEncoder.api.encode(body, from: request, context: context)
        response.status = status
        response.headers.append(contentsOf: headers)
        return response
    }

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(.badRequest, code, message)
    }
}

extension APIError {
    init(_ error: QueueError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalid: .unprocessableContent
        }
        self.init(status, error.code.rawValue, error.message)
    }
}

/// Turns every failure into the JSON error shape, so that clients never have to parse anything else.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as QueueError {
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(translating: error)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body_too_large", "Isi permintaan terlalu besar.")
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal", "Terjadi kesalahan di server. Silakan coba lagi.")
        }
    }
}

extension APIError {
    init(translating error: HTTPError) {
        switch error.status {
        case .notFound: self.init(.notFound, "not_found", "Alamat tidak ditemukan.")
        case .methodNotAllowed: self.init(.methodNotAllowed, "method_not_allowed", "Metode ini tidak didukung di alamat ini.")
        case .contentTooLarge: self.init(.contentTooLarge, "body_too_large", "Isi permintaan terlalu besar.")
        default:
            self.init(error.status, "bad_request", error.body ?? "Permintaan tidak valid.")
        }
    }
}

extension JSONEncoder {
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
