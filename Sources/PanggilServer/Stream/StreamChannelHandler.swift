import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Where a subscriber's bytes go: the connection, written on its event loop.
protocol StreamSink: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// On the event loop: the bytes now, or cut the client off if it is too far behind.
    func write(_ bytes: ByteBuffer)
    /// On the event loop: end the response cleanly and close the connection.
    func finish()
}

/// Serves `GET /api/events` inside the connection's pipeline, beside Hummingbird rather than through it.
/// A stream lives for hours on thousands of screens; handled here it costs a few hundred bytes and no
/// task per event, where a Hummingbird response would keep a request, its context and a chain of
/// suspended handlers alive for each screen, and wake a task for every event. Every other request passes
/// through untouched to Hummingbird.
final class StreamChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let server: StreamServer
    private var context: ChannelHandlerContext?
    /// Set once this connection carries a stream: what arrives after is ignored, and it ends with it.
    private var streaming = false
    private var subscriber: Subscriber?
    private var ended = false

    init(server: StreamServer) {
        self.server = server
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if streaming { return }
        let part = unwrapInboundIn(data)
        guard case .head(let head) = part, head.method == .get,
              (head.path ?? "").split(separator: "?", maxSplits: 1).first == Substring(StreamServer.path) else {
            context.fireChannelRead(data)
            return
        }
        streaming = true
        let server = server
        let sink = Sink(handler: self, eventLoop: context.eventLoop)
        Task {
            let start = await server.open(head, sink: sink)
            sink.eventLoop.execute { sink.handler.begin(start) }
        }
    }

    private func begin(_ start: StreamServer.Start) {
        guard let context, context.channel.isActive else {
            if case .accepted(let subscriber, _, _) = start { forget(subscriber) }
            return
        }
        switch start {
        case .refused(let error):
            ended = true
            var headers = error.headers
            headers[.contentType] = "application/json; charset=utf-8"
            let body = ByteBuffer(string: StreamEncoder.json(["error": ["code": error.code, "message": error.message]]))
            headers[.contentLength] = String(body.readableBytes)
            headers[.connection] = "close"
            context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        case .accepted(let subscriber, let head, let opening):
            self.subscriber = subscriber
            // The kernel's send buffer would otherwise grow to megabytes for a client that stops reading;
            // events are small, so a modest buffer costs a healthy display nothing.
            _ = context.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: server.configuration.socketSendBuffer)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(opening)), promise: nil)
            subscriber.goLive()
        }
    }

    fileprivate func write(_ bytes: ByteBuffer) {
        guard let context, !ended else { return }
        guard context.channel.isWritable else {
            // More than the socket buffer and NIO's high-water mark behind: cut off, it resumes on reconnect.
            subscriber?.markCutOff()
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(bytes)), promise: nil)
    }

    fileprivate func finish() {
        guard let context, !ended else { return }
        ended = true
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let subscriber { forget(subscriber) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server is shutting down: end the stream cleanly, so that the display reconnects at once.
        if streaming, event is ChannelShouldQuiesceEvent {
            subscriber?.close()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func forget(_ subscriber: Subscriber) {
        self.subscriber = nil
        let board = server.board
        Task { await board.unsubscribe(subscriber) }
    }

    /// The handler, usable from the hub: every call happens on the handler's event loop.
    final class Sink: StreamSink, @unchecked Sendable {
        let handler: StreamChannelHandler
        let eventLoop: any EventLoop

        init(handler: StreamChannelHandler, eventLoop: any EventLoop) {
            self.handler = handler
            self.eventLoop = eventLoop
        }

        func write(_ bytes: ByteBuffer) {
            eventLoop.preconditionInEventLoop()
            handler.write(bytes)
        }

        func finish() {
            eventLoop.preconditionInEventLoop()
            handler.finish()
        }
    }
}
