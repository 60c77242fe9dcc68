import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PanggilCore
import ServiceLifecycle

/// `GET /api/events`: the live stream every display follows (Server-Sent Events).
struct EventsAPI: Sendable {
    let store: any QueueStore
    let board: LiveBoard
    let configuration: StreamConfiguration

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/events") { request, context in try await stream(request, context) }
    }

    private func stream(_ request: Request, _ context: PanggilRequestContext) async throws -> Response {
        let channel = context.channel
        let cutOff: @Sendable () -> Void = { channel.close(promise: nil) }
        let site = store.site
        let query = request.uri.queryParameters
        let encoder = StreamEncoder(site: site)
        // The header wins: a browser's EventSource reconnects with it while its URL keeps the first value.
        let resumeText = request.headers[.lastEventID] ?? query["last_event_id"].map(String.init)
        let resumeFrom = resumeText.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }

        let subscriber: Subscriber
        let opening: @Sendable () async throws -> String
        if let code = query["ticket"].map(String.init) {
            // A phone follows its own ticket; its stream always opens with the ticket's status now.
            let ticket = try await lookUpTicket(publicCode: code, in: store)
            let (phone, board) = try await self.board.subscribe(phone: ticket, cutOff: cutOff)
            subscriber = phone
            opening = { encoder.phone(ticket.ref, state: ticket.state, counter: ticket.counter, board: board,
                                      seq: board.seq, type: "snapshot", at: Date()) }
        } else {
            let filter = try StreamFilter(zone: query["zone"].map(String.init), services: query["services"].map(String.init),
                                          counters: query["counters"].map(String.init), site: site)
            let bounds = resumeFrom == nil ? nil : try await store.logBounds()
            let (display, board) = try await self.board.subscribe(filter, cutOff: cutOff)
            subscriber = display
            let replayLimit = Int64(configuration.replayLimit)
            if let resumeFrom, let bounds, bounds.canResume(from: resumeFrom), resumeFrom <= board.seq,
               board.seq - resumeFrom <= replayLimit {
                // Exactly the missed events, from the log, up to where the hub took over.
                opening = {
                    var text = ""
                    var after = resumeFrom
                    while after < board.seq {
                        let page = try await store.events(after: after, limit: 1000).prefix { $0.seq <= board.seq }
                        guard let last = page.last else { break }
                        for event in page where filter.matches(event) { text += encoder.event(event) }
                        after = last.seq
                    }
                    return text
                }
            } else {
                // A first visit, pruned history, another database's id, or too far behind: start afresh.
                opening = { encoder.snapshot(board, filter: filter, now: Date()) }
            }
        }

        // A client that goes away is noticed at once, not at the next write.
        channel.closeFuture.whenComplete { _ in subscriber.close() }
        // The kernel's send buffer would otherwise grow to megabytes for a client that stops reading;
        // events are small, so a modest buffer costs a healthy display nothing.
        _ = channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: configuration.socketSendBuffer)

        let retry = configuration.retryBase + Int.random(in: 0...max(0, configuration.retrySpread))
        let live = board
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8",
                .cacheControl: "no-cache",
                .xAccelBuffering: "no",
                .connection: "keep-alive",
            ],
            body: ResponseBody { writer in
                do {
                    // The comment goes out at once, so that proxies and browsers see the headers.
                    try await writer.write(ByteBuffer(string: SSEFormat.comment("panggil") + SSEFormat.retry(milliseconds: retry)))
                    try await writer.write(ByteBuffer(string: try await opening()))
                    try await withGracefulShutdownHandler {
                        while let bytes = await subscriber.next() {
                            try await writer.write(bytes)
                        }
                    } onGracefulShutdown: {
                        subscriber.close()
                    }
                    try await writer.finish(nil)
                } catch {
                    // The client went away; nothing to tell it.
                }
                await live.unsubscribe(subscriber)
            })
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
