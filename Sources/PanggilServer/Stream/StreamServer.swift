import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import PanggilCore

/// Decides how a `GET /api/events` request starts: refused with a JSON error, or registered with the
/// hub together with the bytes that open it (a comment, the `retry:` hint, then a snapshot or the
/// missed events from the log).
struct StreamServer: Sendable {
    static let path = "/api/events"

    let store: any QueueStore
    let board: LiveBoard
    let configuration: StreamConfiguration
    private let encoder: StreamEncoder

    init(store: any QueueStore, board: LiveBoard, configuration: StreamConfiguration) {
        self.store = store
        self.board = board
        self.configuration = configuration
        encoder = StreamEncoder(site: store.site)
    }

    enum Start: Sendable {
        case refused(APIError)
        /// `screen` is nil for a phone.
        case accepted(Subscriber, head: HTTPResponse, opening: ByteBuffer, screen: ScreenRegistry.Screen?)
    }

    /// `address` and `userAgent` say who asked, for the admin page's list of screens.
    func open(_ request: HTTPRequest, sink: StreamSink, address: String) async -> Start {
        do {
            return try await accept(request, sink: sink, address: address)
        } catch let error as APIError {
            return .refused(error)
        } catch let error as QueueError {
            return .refused(APIError(error))
        } catch {
            return .refused(APIError(.internalServerError, "internal", "Terjadi kesalahan di server. Silakan coba lagi."))
        }
    }

    private func accept(_ request: HTTPRequest, sink: StreamSink, address: String) async throws -> Start {
        let site = store.site
        let query = URI(request.path ?? Self.path).queryParameters
        // What the screen says it is (`display`, `layout`) only labels it on the admin page.
        var screen: ScreenRegistry.Screen?
        // The header wins: a browser's EventSource reconnects with it while its URL keeps the first value.
        let resumeText = request.headerFields[.lastEventID] ?? query["last_event_id"].map(String.init)
        let resumeFrom = resumeText.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }

        var text = SSEFormat.comment("panggil")
            + SSEFormat.retry(milliseconds: configuration.retryBase + Int.random(in: 0...max(0, configuration.retrySpread)))
        let subscriber: Subscriber
        if let code = query["ticket"].map(String.init) {
            // A phone follows its own ticket; its stream always opens with the ticket's status now.
            let ticket = try await lookUpTicket(publicCode: code, in: store)
            let (phone, board) = try self.board.subscribe(phone: ticket, sink: sink)
            subscriber = phone
            text += encoder.phone(ticket.ref, state: ticket.state, counter: ticket.counter, board: board,
                                  seq: board.seq, type: "snapshot", at: store.clock.now())
        } else {
            let filter = try StreamFilter(zone: query["zone"].map(String.init), services: query["services"].map(String.init),
                                          counters: query["counters"].map(String.init), site: site)
            let labels = try ["display", "layout"].map { name -> String? in
                guard let value = query[Substring(name)].map(String.init) else { return nil }
                guard (1...40).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                    throw APIError.badRequest("invalid_\(name)", "Nama '\(name)' hanya boleh huruf kecil, angka dan tanda hubung (paling panjang 40).")
                }
                return value
            }
            let scope = ["zone", "services", "counters"].compactMap { name in query[Substring(name)].map { "\(name)=\($0)" } }.joined(separator: "&")
            let now = store.clock.now()
            screen = ScreenRegistry.Screen(display: labels[0], layout: labels[1], scope: scope, address: address,
                                           userAgent: request.headerFields[.userAgent].map { String($0.prefix(200)) },
                                           connectedAt: now, lastSeen: now, connected: true)
            let bounds = resumeFrom == nil ? nil : try await store.logBounds()
            let (display, board) = try self.board.subscribe(filter, sink: sink)
            subscriber = display
            if let resumeFrom, let bounds, bounds.canResume(from: resumeFrom), resumeFrom <= board.seq,
               board.seq - resumeFrom <= Int64(configuration.replayLimit) {
                // Exactly the missed events, from the log, up to where the hub took over.
                var after = resumeFrom
                while after < board.seq {
                    let page = try await store.events(after: after, limit: 1000).prefix { $0.seq <= board.seq }
                    guard let last = page.last else { break }
                    for event in page where filter.matches(event) { text += encoder.event(event, board: board) }
                    after = last.seq
                }
            } else {
                // A first visit, pruned history, another database's id, or too far behind: start afresh.
                text += encoder.snapshot(board, filter: filter, now: store.clock.now())
            }
        }
        let head = HTTPResponse(status: .ok, headerFields: [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            .xAccelBuffering: "no",
        ])
        return .accepted(subscriber, head: head, opening: ByteBuffer(string: text), screen: screen)
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
