import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// An event's bytes, as a body part and as a ready-made HTTP/1.1 chunk (`size CRLF bytes CRLF`). Made
/// once per event and shared by every stream it goes to.
struct Chunk: Sendable {
    let body: ByteBuffer
    let framed: ByteBuffer

    init(_ text: String) {
        body = ByteBuffer(string: text)
        var framed = ByteBuffer()
        framed.reserveCapacity(body.readableBytes + 12)
        framed.writeString(String(body.readableBytes, radix: 16))
        framed.writeStaticString("\r\n")
        framed.writeImmutableBuffer(body)
        framed.writeStaticString("\r\n")
        self.framed = framed
    }
}

extension ChannelCore {
    /// On the channel's event loop: the chunk as it is, already framed, out to the socket now.
    func writeFramed(_ chunk: Chunk) {
        write0(NIOAny(IOData.byteBuffer(chunk.framed)), promise: nil)
        flush0()
    }
}

/// Where a subscriber's bytes go: the connection, written on its event loop.
protocol StreamSink: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// On the event loop: the bytes now, or cut the client off if it is too far behind.
    func write(_ chunk: Chunk)
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
    /// Whether the stream is a screen's (listed on the admin page) rather than a phone's (counted).
    private var isScreen = false
    private var headWritten = false
    private var ended = false
    /// Mirrors the channel's writability, kept here so that an event's write reads the handler alone
    /// rather than reaching into the channel: with thousands of streams every pointer chased per write
    /// is a cache miss.
    private var writable = true
    /// The channel's own writer, beneath every handler. In this server's pipeline (`.http1`, no TLS) the
    /// HTTP encoder is the last handler before the socket, so a chunk already framed can be written here
    /// as it is: an event then costs each stream one write of shared bytes and no walk down the
    /// pipeline, which at thousands of streams was a tenth of the server's CPU per event. (NIO meant
    /// `_channelCore` for its own handlers; this is what its head handler does with every write.)
    private var socket: (any ChannelCore)?

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
        let address = context.channel.remoteAddress?.ipAddress ?? "?"
        Task {
            let start = await server.open(head, sink: sink, address: address)
            sink.eventLoop.execute { sink.handler.begin(start) }
        }
    }

    private func begin(_ start: StreamServer.Start) {
        guard let context, context.channel.isActive, !ended else {
            if case .accepted(let subscriber, _, _, _) = start { server.board.unsubscribe(subscriber) }
            self.context?.close(promise: nil)
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
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
        case .accepted(let subscriber, let head, let opening, let screen):
            self.subscriber = subscriber
            if let screen {
                isScreen = true
                server.board.screens.connected(subscriber.id, screen)
            } else {
                server.board.screens.phoneConnected()
            }
            // The kernel's send buffer would otherwise grow to megabytes for a client that stops reading;
            // events are small, so a modest buffer costs a healthy display nothing.
            _ = context.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: server.configuration.socketSendBuffer)
            // Each event is one small write that should leave at once.
            _ = context.channel.setOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            // Hummingbird's HTTP/1.1 responses without a length are chunked by NIO's encoder; without
            // that encoder (another pipeline layout) parts go through the codecs as usual.
            if (try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)) != nil {
                socket = context.channel._channelCore
            }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(opening)), promise: nil)
            headWritten = true
            subscriber.goLive()
            if writable { subscriber.writeDirectly(to: socket) }
        }
    }

    fileprivate func write(_ chunk: Chunk) {
        guard let context, !ended else { return }
        guard writable else {
            // More than the socket buffer and NIO's high-water mark behind: cut off, it resumes on reconnect.
            subscriber?.markCutOff()
            context.close(promise: nil)
            return
        }
        if let socket {
            socket.writeFramed(chunk)
        } else {
            context.writeAndFlush(wrapOutboundOut(.body(chunk.body)), promise: nil)
        }
    }

    fileprivate func finish() {
        guard let context, !ended else { return }
        ended = true
        socket = nil
        subscriber?.writeDirectly(to: nil)
        guard headWritten else {
            // Nothing was sent yet (cut off while its opening was being prepared): just hang up.
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        // Not writable: the next event goes through `write`, which cuts the client off.
        subscriber?.writeDirectly(to: writable && !ended ? socket : nil)
        context.fireChannelWritabilityChanged()
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
        subscriber.writeDirectly(to: nil)
        self.subscriber = nil
        if isScreen {
            server.board.screens.disconnected(subscriber.id, at: server.store.clock.now())
        } else {
            server.board.screens.phoneDisconnected()
        }
        server.board.unsubscribe(subscriber)
    }

    /// The handler, usable from the hub: every call happens on the handler's event loop.
    final class Sink: StreamSink, @unchecked Sendable {
        let handler: StreamChannelHandler
        let eventLoop: any EventLoop

        init(handler: StreamChannelHandler, eventLoop: any EventLoop) {
            self.handler = handler
            self.eventLoop = eventLoop
        }

        // Checked in debug builds only: in release the check reads a thread-local for every stream at
        // every event, and the hub hands each loop its own streams only.
        func write(_ chunk: Chunk) {
            eventLoop.assertInEventLoop()
            handler.write(chunk)
        }

        func finish() {
            eventLoop.assertInEventLoop()
            handler.finish()
        }
    }
}
